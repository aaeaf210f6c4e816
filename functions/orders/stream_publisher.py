"""Orders' transactional outbox: the table's stream, published to the orders topic
(``orders.stream_publisher.handler``); which records announce what is in
``orders.events``, the relay itself in ``shared.events.outbox``."""

from __future__ import annotations

from orders.events import event_for_record
from shared.events.outbox import OutboxRelay
from shared.observability import lambda_handler

relay = OutboxRelay(event_for_record)
publisher = relay.publisher
handler = lambda_handler(relay.handle)
