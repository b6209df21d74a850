"""The Opsgenie Alert API v2 drop-in: Opsgenie's view of alerts (ids, tiny ids, aliases,
tags, notes, snoozes) kept beside Watchkeeper's, and the requests that changed it.

Every accepted request also appends a normalized event (trigger, acknowledge, resolve)
to the `events` table in the same transaction, so the page path is the one every other
source takes.
"""
