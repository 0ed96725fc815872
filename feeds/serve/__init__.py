"""Serve: `feeds serve`, the long-running service (scheduler + HTTP)."""
