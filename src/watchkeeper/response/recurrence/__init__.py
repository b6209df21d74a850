"""Recurrence warnings: a new incident that looks like a recent one says so."""
