"""Watchkeeper: self-hosted incident management for IT operations."""

__version__ = "0.1.0"
