"""Proactive monitoring: synthetic checks, streaming anomaly detection and forecasts.

They feed events into the pipeline like any integration.
"""
