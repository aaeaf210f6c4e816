"""Notifications: tells customers what happened to their orders (e-mail through SES now,
WebSocket pushes later)."""

from shared.startup import pause_garbage_collection

pause_garbage_collection()  # until the entry point is wrapped (shared.startup)
