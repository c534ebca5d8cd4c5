"""The ceiling: plain Kafka clients that read the ingress topic and produce every record to an output topic.

Same broker, same messages as the pipeline (DongBoHoSoMC bodies of 100 records), no validation
and no database: what a Python service on this machine could do at best.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic


@dataclass(frozen=True)
class RawResult:
    client: str
    records: int
    seconds: float

    @property
    def records_per_s(self) -> float:
        return self.records / self.seconds if self.seconds else 0.0


async def recreate_topics(
    bootstrap: str, names: list[str], partitions: int = 12, replication: int = 1
) -> None:
    """`replication`: as the contract topics have on that cluster (a fair comparison)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        stale = [n for n in names if n in existing]
        if stale:
            await admin.delete_topics(stale)
            await asyncio.sleep(2)
        await admin.create_topics([NewTopic(n, partitions, replication) for n in names])
    finally:
        await admin.close()


async def fill(bootstrap: str, topic: str, bodies: list[bytes]) -> None:
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        acks="all",
        linger_ms=20,
        compression_type="lz4",
        max_batch_size=512 * 1024,
    )
    await producer.start()
    try:
        futures = [await producer.send(topic, b, key=str(i).encode()) for i, b in enumerate(bodies)]
        await asyncio.gather(*futures)
    finally:
        await producer.stop()


async def aiokafka_split(
    bootstrap: str, source: str, sink: str, expected_records: int
) -> RawResult:
    consumer = AIOKafkaConsumer(
        source,
        bootstrap_servers=bootstrap,
        group_id=f"raw-aiokafka-{time.time_ns()}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        max_partition_fetch_bytes=8 << 20,
    )
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        acks="all",
        enable_idempotence=True,
        linger_ms=5,
        compression_type="lz4",
        max_batch_size=512 * 1024,
    )
    await consumer.start()
    await producer.start()
    done, started = 0, None
    try:
        while done < expected_records:
            batches = await consumer.getmany(timeout_ms=1000, max_records=500)
            if not batches:
                continue
            started = started or time.perf_counter()
            futures = []
            for records in batches.values():
                for record in records:
                    for item in json.loads(record.value)["data"]:
                        payload = json.dumps(item).encode()
                        futures.append(
                            await producer.send(sink, payload, key=item["MaHoSo"].encode())
                        )
            await asyncio.gather(*futures)
            await consumer.commit()
            done += len(futures)
        return RawResult("aiokafka", done, time.perf_counter() - (started or time.perf_counter()))
    finally:
        await producer.stop()
        await consumer.stop()


def confluent_split(bootstrap: str, source: str, sink: str, expected_records: int) -> RawResult:
    from confluent_kafka import Consumer, Producer

    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": f"raw-confluent-{time.time_ns()}",
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
        }
    )
    producer = Producer(
        {
            "bootstrap.servers": bootstrap,
            "acks": "all",
            "enable.idempotence": True,
            "linger.ms": 5,
            "compression.type": "lz4",
        }
    )
    consumer.subscribe([source])
    done, started = 0, None
    try:
        while done < expected_records:
            messages = consumer.consume(num_messages=500, timeout=1.0)
            if not messages:
                continue
            started = started or time.perf_counter()
            for message in messages:
                if message.error():
                    continue
                for item in json.loads(message.value())["data"]:
                    while True:
                        try:
                            producer.produce(
                                sink, json.dumps(item).encode(), key=item["MaHoSo"].encode()
                            )
                            break
                        except BufferError:
                            producer.poll(0.05)
                    done += 1
                producer.poll(0)
            producer.flush()
            consumer.commit(asynchronous=False)
        return RawResult(
            "confluent-kafka", done, time.perf_counter() - (started or time.perf_counter())
        )
    finally:
        consumer.close()
