"""E-bulletins: templates, audiences, campaigns sent exactly once, tracking and readership."""
