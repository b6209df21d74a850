"""Delivery channels: email (SMTP), Apprise URLs and signed webhooks, behind one Protocol.

Third-party I/O lives here and nowhere else in the pipeline (ARCHITECTURE.md).
"""
