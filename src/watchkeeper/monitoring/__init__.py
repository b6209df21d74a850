"""Proactive monitoring: synthetic checks, streaming anomaly detection and forecasts,
which feed events into the pipeline."""
