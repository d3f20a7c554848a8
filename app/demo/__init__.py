"""Demo data: a synthetic involvement network for one real area, loaded once."""
