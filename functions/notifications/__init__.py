"""Notifications: tells customers by e-mail (SES) what happened to their orders."""

from shared.startup import pause_garbage_collection

pause_garbage_collection()  # until the entry point is wrapped (shared.startup)
