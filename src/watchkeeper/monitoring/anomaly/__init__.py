"""Streaming, explainable anomaly detection for any numeric series."""
