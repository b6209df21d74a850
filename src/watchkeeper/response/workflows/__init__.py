"""Workflows: automation rules that act on incident events."""
