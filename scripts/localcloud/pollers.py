"""Runs one poller per event source mapping and follows the mappings as they change.

Mappings are rescanned periodically: new ones start, disabled ones pause (keeping
their position, as Lambda keeps a stream checkpoint), deleted ones stop.
"""

from __future__ import annotations

import logging
import threading
from types import TracebackType

from localcloud.deployment import Deployment, SqsMapping, StreamMapping
from localcloud.invocation import Invoker
from localcloud.sqs_poller import SqsPoller
from localcloud.stream_poller import StreamPoller

_log = logging.getLogger(__name__)


class EventSourcePollers:
    """Polls every SQS and DynamoDB-stream event source mapping of the deployment."""

    def __init__(
        self,
        deployment: Deployment,
        invoker: Invoker,
        rescan_interval_s: float = 2.0,
        sqs_wait_time_s: int = 1,
        stream_poll_interval_s: float = 0.25,
    ) -> None:
        self._deployment = deployment
        self._invoker = invoker
        self._rescan_interval_s = rescan_interval_s
        self._sqs_wait_time_s = sqs_wait_time_s
        self._stream_poll_interval_s = stream_poll_interval_s
        self._sqs_client = deployment.client("sqs")
        self._destinations = {"sqs": self._sqs_client, "sns": deployment.client("sns")}
        self._streams_client = deployment.client("dynamodbstreams")
        self._lock = threading.Lock()
        self._pollers: dict[str, SqsPoller | StreamPoller] = {}
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="event-sources", daemon=True)

    def start(self) -> EventSourcePollers:
        self.rescan()
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(10)
        with self._lock:
            pollers, self._pollers = list(self._pollers.values()), {}
        for poller in pollers:
            poller.stop()

    def poller(self, mapping_uuid: str) -> SqsPoller | StreamPoller | None:
        with self._lock:
            return self._pollers.get(mapping_uuid)

    def rescan(self) -> None:
        """Brings the pollers in line with the mappings deployed right now."""
        sqs_mappings, stream_mappings = self._deployment.event_source_mappings()
        mappings: list[SqsMapping | StreamMapping] = [*sqs_mappings, *stream_mappings]
        with self._lock:
            if self._stopping.is_set():
                return
            gone = set(self._pollers) - {mapping.uuid for mapping in mappings}
            removed = [self._pollers.pop(uuid) for uuid in gone]
            for mapping in mappings:
                poller = self._pollers.get(mapping.uuid)
                if poller is not None:
                    poller.update(mapping)  # type: ignore[arg-type]
                elif mapping.enabled:
                    self._pollers[mapping.uuid] = self._start_poller(mapping)
        for poller in removed:
            _log.info("event source mapping %s was deleted", poller.mapping.uuid)
            poller.stop(timeout_s=0)  # it ends after its current poll; no need to wait

    def _start_poller(self, mapping: SqsMapping | StreamMapping) -> SqsPoller | StreamPoller:
        poller: SqsPoller | StreamPoller
        if isinstance(mapping, SqsMapping):
            poller = SqsPoller(
                mapping,
                queue=self._deployment.queue(mapping.queue_arn),
                sqs_client=self._sqs_client,
                invoker=self._invoker,
                region=self._deployment.region,
                wait_time_s=self._sqs_wait_time_s,
            )
        else:
            poller = StreamPoller(
                mapping,
                streams_client=self._streams_client,
                destination_clients=self._destinations,
                invoker=self._invoker,
                region=self._deployment.region,
                poll_interval_s=self._stream_poll_interval_s,
            )
        _log.info("polling %s for %s", mapping.uuid, mapping.function_arn)
        poller.start()
        return poller

    def _run(self) -> None:
        while not self._stopping.wait(self._rescan_interval_s):
            try:
                self.rescan()
            except Exception:
                _log.exception("rescanning event source mappings failed")

    def __enter__(self) -> EventSourcePollers:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
