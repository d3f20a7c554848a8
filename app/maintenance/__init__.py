"""Housekeeping that runs every day: the retention policy, and whatever later joins it."""
