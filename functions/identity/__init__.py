"""The identity service: the Cognito user pool's triggers (post-confirmation: customers
join the `customer` group)."""

from shared.startup import pause_garbage_collection

pause_garbage_collection()  # until the entry point is wrapped (shared.startup)
