"""Products' transactional outbox: the table's stream, published to the products topic
(``products.stream_publisher.handler``); which records announce what is in
``products.events``, the relay itself in ``shared.events.outbox``."""

from __future__ import annotations

from products.events import event_for_record
from shared.events.outbox import OutboxRelay
from shared.observability import lambda_handler

relay = OutboxRelay(event_for_record)
publisher = relay.publisher
handler = lambda_handler(relay.handle)
