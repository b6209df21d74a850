"""The path of a page: ingest -> correlate -> escalation -> notify.

Each stage reads its predecessor's table and writes its own.
"""
