"""Invoices: a PDF in S3 for every confirmed order, and its REST API."""

from shared.startup import pause_garbage_collection

pause_garbage_collection()  # until the entry point is wrapped (shared.startup)
