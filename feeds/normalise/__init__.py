"""Normalise: one `Article` out, whatever kind of source the entry came from."""
