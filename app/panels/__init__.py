"""Representative panels: a fair lottery from a pool of volunteers, with quotas (sortition-algorithms)."""
