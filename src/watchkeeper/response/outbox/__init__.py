"""Outgoing messages of communication (subscribers, stakeholders), apart from paging."""
