"""Consumer lag per partition (high watermark minus the group's committed offset), on an interval."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient
from prometheus_client import Gauge

from reporting_service.adapters import kafka_topics

log = logging.getLogger(__name__)


class LagPoller:
    def __init__(
        self, bootstrap: str, consumers: list[tuple[str, str]], gauge: Gauge, interval_s: float
    ) -> None:
        """`consumers`: (group, topic) pairs."""
        self._bootstrap = bootstrap
        self._consumers = consumers
        self._gauge = gauge
        self._interval = interval_s
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="consumer-lag")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while True:
            try:
                await self._poll_forever()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("consumer lag: %r; retrying", exc)
            await asyncio.sleep(self._interval)

    async def _poll_forever(self) -> None:
        admin = AIOKafkaAdminClient(bootstrap_servers=self._bootstrap)
        offsets = AIOKafkaConsumer(bootstrap_servers=self._bootstrap, enable_auto_commit=False)
        await admin.start()
        await offsets.start()
        try:
            while True:
                await self.poll_once(admin, offsets)
                await asyncio.sleep(self._interval)
        finally:
            await offsets.stop()
            await admin.close()

    async def poll_once(self, admin: AIOKafkaAdminClient, offsets: AIOKafkaConsumer) -> None:
        for group, topic in self._consumers:
            partitions = await kafka_topics.partitions(admin, [topic])
            if not partitions:
                continue
            ends = await offsets.end_offsets(partitions)
            starts = await offsets.beginning_offsets(partitions)
            committed = await admin.list_consumer_group_offsets(group, partitions=partitions)
            for tp in partitions:
                meta = committed.get(tp)
                position = meta.offset if meta is not None and meta.offset >= 0 else starts[tp]
                self._gauge.labels(group, topic, str(tp.partition)).set(max(0, ends[tp] - position))
