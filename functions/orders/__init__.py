"""The Orders service: orders (REST API), the stock saga's order side, and their events."""

from shared.startup import pause_garbage_collection

pause_garbage_collection()  # until the entry point is wrapped (shared.startup)
