"""Noise reduction: routing rules, silences, maintenance windows and inhibition rules."""
