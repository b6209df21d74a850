"""Stakeholders of an incident, their updates from templates, and the update cadence."""
