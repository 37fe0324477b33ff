"""Sosei Partners impact dashboard: the importable core (no page layout here)."""
