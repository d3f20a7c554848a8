"""Pure statistical functions for comparing a group of people with a population."""
