"""Incident categories: a two-level tree such as Network > DNS."""
