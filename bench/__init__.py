"""Benchmarks: each prints its figures beside its baseline, measured in one run."""
