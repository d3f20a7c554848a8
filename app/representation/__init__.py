"""Representativeness: population baselines, the audit of a group against them, recruitment targets."""
