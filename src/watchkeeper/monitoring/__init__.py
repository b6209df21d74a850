"""Proactive monitoring: synthetic checks, streaming anomaly detection and forecasts
that feed events into the pipeline."""
