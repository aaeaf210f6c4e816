"""The Products service: the catalog (REST API) and its events (DynamoDB stream -> SNS)."""

from shared.startup import pause_garbage_collection

pause_garbage_collection()  # until the entry point is wrapped (shared.startup)
