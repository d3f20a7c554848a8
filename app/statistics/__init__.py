"""Shared statistics: small-number suppression for aggregates, and comparing a group with its population."""
