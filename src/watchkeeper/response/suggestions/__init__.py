"""Suggestions from a local model: similar past incidents, and category, impact, urgency."""
