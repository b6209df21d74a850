"""Proactive monitoring: synthetic checks, streaming anomaly detection and forecasts;
they feed events into the pipeline like any integration."""
