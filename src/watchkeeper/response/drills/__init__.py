"""Drills: test incidents fired through the real pipeline, and who answered them."""
