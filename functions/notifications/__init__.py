"""Notifications: tells customers what happened to their orders (e-mail through SES now,
WebSocket pushes later)."""
