"""Proactive monitoring: synthetic checks, anomaly detection and forecasts, fed as events."""
