"""Alert noise: which alerts fire most, resolve by themselves, flap or need no action."""
