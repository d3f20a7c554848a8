"""Shared statistics helpers for aggregates that leave the team."""
