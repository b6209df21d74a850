"""Scenario tests use the `h` harness fixture of tests/conftest.py."""
