"""Consumer lag per partition: the high watermark minus the group's committed offset.

Every instance measures its groups' lag (the same figure on each replica: dashboards and
alerts take the max). A partition the group never committed counts from its first offset.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from prometheus_client import Gauge

from pasc_runtime.kafka import client_options
from pasc_runtime.settings import ServiceSettings


class ConsumerLag:
    def __init__(
        self,
        settings: ServiceSettings,
        groups: Callable[[], list[tuple[str, str]]],
        gauge: Gauge,
    ) -> None:
        """`groups`: the (group, topic) pairs the service consumes."""
        self._settings = settings
        self._groups = groups
        self._gauge = gauge

    async def run(self) -> None:
        """Poll until cancelled (a `Runtime.background` loop: restarted if the broker fails)."""
        s = self._settings
        options = client_options(s)
        admin = AIOKafkaAdminClient(bootstrap_servers=s.kafka_bootstrap_servers, **options)
        offsets = AIOKafkaConsumer(
            bootstrap_servers=s.kafka_bootstrap_servers, enable_auto_commit=False, **options
        )
        await admin.start()
        await offsets.start()
        try:
            while True:
                await self.poll_once(admin, offsets)
                await asyncio.sleep(s.consumer_lag_interval_s)
        finally:
            await offsets.stop()
            await admin.close()

    async def poll_once(self, admin: AIOKafkaAdminClient, offsets: AIOKafkaConsumer) -> None:
        groups = self._groups()
        described = await admin.describe_topics(sorted({topic for _, topic in groups}))
        layout = {
            t["topic"]: sorted(p["partition"] for p in t["partitions"])
            for t in described
            if t["error_code"] == 0
        }
        for group, topic in groups:
            partitions = [TopicPartition(topic, p) for p in layout.get(topic, ())]
            if not partitions:
                continue
            ends = await offsets.end_offsets(partitions)
            starts = await offsets.beginning_offsets(partitions)
            committed = await admin.list_consumer_group_offsets(group, partitions=partitions)
            for tp in partitions:
                meta = committed.get(tp)
                position = meta.offset if meta is not None and meta.offset >= 0 else starts[tp]
                lag = max(0, ends[tp] - position)
                self._gauge.labels(topic, str(tp.partition), group).set(lag)
