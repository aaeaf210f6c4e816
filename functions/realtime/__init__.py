"""Realtime: pushes what happens to orders, invoices and invoice imports to the WebSocket
connections of the people concerned."""

from shared.startup import pause_garbage_collection

pause_garbage_collection()  # until the entry point is wrapped (shared.startup)
