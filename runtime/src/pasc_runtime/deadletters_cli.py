"""`pasc deadletters list|show|replay`: read deadletter.v1 and send originals back to their topic.

A dead letter is named by its own place on deadletter.v1, `partition:offset` (e.g. `1:42`).
Replay republishes the original key, bytes and headers to the source topic, so the message goes
through the same decoding and validation again (fix the cause first: a contract deployed, a
catalog entry added). Two kinds of dead letter cannot be replayed:
- those of topics whose bodies come from outside systems (the signed DVCQG ingress): they keep
  a redacted copy without personal data; the original is on the source topic at the offset the
  dead letter names, and the sending system should send it again (or an operator re-reads it
  from there);
- those whose original was too large to keep (the error says so).
A `rejected` one (the domain refused the event) is already in the consumer's inbox: the
consumer would skip a replay of the same event as a duplicate, so it is refused as well.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import typer

from pasc_contracts import DEAD_LETTER_TOPIC, TOPICS, VN_TZ
from pasc_contracts.events.deadletter import DeadLetter, FailureKind
from pasc_runtime.dates import WHEN_FORMS, parse_when

app = typer.Typer(help="Dead letters: list, show and replay them.", no_args_is_help=True)

# Topics fed by outside systems: their dead letters hold a redacted copy (personal data).
REDACTED_TOPICS = frozenset(t.name for t in TOPICS if t.external_schemas)
NOT_KEPT = "[original not kept"
DEFAULT_SCAN = 10_000  # without --since: the newest this many dead letters of each partition
READ_TIMEOUT_S = 60  # per partition: a broker that stops answering does not hang the CLI
_ID = re.compile(r"^(\d+):(\d+)$")


def _when_option(value: str | None, *, end_of_day: bool = False) -> datetime | None:
    if value is None:
        return None
    try:
        return parse_when(value, end_of_day=end_of_day)
    except ValueError as exc:
        raise typer.BadParameter(f"'{value}' không phải ngày; viết {WHEN_FORMS}") from exc


@dataclass(frozen=True)
class Letter:
    partition: int
    offset: int
    at: datetime
    body: DeadLetter

    @property
    def id(self) -> str:
        return f"{self.partition}:{self.offset}"

    def replay_refusal(self) -> str | None:
        """Why this dead letter cannot be replayed, or None."""
        b = self.body
        where = f"{b.source_topic} partition {b.partition} offset {b.offset}"
        if b.source_topic in REDACTED_TOPICS:
            return (
                f"holds a redacted copy (personal data); the original is on {where}:"
                " have the sending system send it again"
            )
        if NOT_KEPT in b.error:
            return f"the original was too large to keep; it is on {where}"
        if b.kind is FailureKind.REJECTED:
            return (
                "the consumer refused this event and its inbox holds its id: a replay would be"
                " skipped as a duplicate; send a corrected event with a new id"
            )
        return None


@dataclass(frozen=True)
class Filters:
    topic: str | None = None
    kind: FailureKind | None = None
    since: datetime | None = None
    until: datetime | None = None

    def keep(self, letter: Letter) -> bool:
        return (
            (self.topic is None or letter.body.source_topic == self.topic)
            and (self.kind is None or letter.body.kind is self.kind)
            and (self.since is None or letter.at >= self.since)
            and (self.until is None or letter.at < self.until)
        )


def _client_options() -> tuple[str, dict[str, Any]]:
    from pasc_runtime.kafka import client_options
    from pasc_runtime.settings import LOCAL_KAFKA, KafkaSecuritySettings

    servers = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", LOCAL_KAFKA)
    return servers, client_options(KafkaSecuritySettings())


def _decode(record: Any) -> Letter | None:
    try:
        value = json.loads(record.value)
        body = DeadLetter.model_validate(value["payload"])
    except (ValueError, KeyError, TypeError):
        return None  # not a dead letter event: nothing to show
    at = datetime.fromtimestamp(record.timestamp / 1000, UTC).astimezone(VN_TZ)
    return Letter(record.partition, record.offset, at, body)


async def _partitions(servers: str, options: dict[str, Any]) -> list[int]:
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(bootstrap_servers=servers, **options)
    await admin.start()
    try:
        described = await admin.describe_topics([DEAD_LETTER_TOPIC])
    finally:
        await admin.close()
    return sorted(
        p["partition"]
        for t in described
        if t.get("topic") == DEAD_LETTER_TOPIC and not t.get("error_code")
        for p in t.get("partitions", [])
    )


async def read_letters(
    filters: Filters, ids: set[str] | None = None, scan: int | None = None
) -> list[Letter]:
    """The dead letters named by `ids`, read at their offsets; else those that pass the
    filters, from `since` (when given) or among the newest `scan` of each partition (all when
    None)."""
    from aiokafka import AIOKafkaConsumer, TopicPartition

    servers, options = _client_options()
    partitions = [TopicPartition(DEAD_LETTER_TOPIC, p) for p in await _partitions(servers, options)]
    if not partitions:
        return []
    consumer = AIOKafkaConsumer(bootstrap_servers=servers, enable_auto_commit=False, **options)
    await consumer.start()
    try:
        consumer.assign(partitions)
        ends = await consumer.end_offsets(partitions)
        starts = await consumer.beginning_offsets(partitions)
        if ids is not None:
            named = [(int(m[1]), int(m[2])) for m in (_ID.match(i) for i in ids) if m]
            ranges = [
                (tp, offset, offset + 1)
                for p, offset in sorted(named)
                for tp in partitions
                if tp.partition == p and starts[tp] <= offset < ends[tp]
            ]
        else:
            if filters.since is not None:
                stamp = int(filters.since.timestamp() * 1000)
                found = await consumer.offsets_for_times(dict.fromkeys(partitions, stamp))
                starts = {tp: (o.offset if o else ends[tp]) for tp, o in found.items()}
            elif scan is not None:
                starts = {tp: max(starts[tp], ends[tp] - scan) for tp in partitions}
            ranges = [(tp, starts[tp], ends[tp]) for tp in partitions]
        letters: list[Letter] = []
        for tp, start, stop in ranges:
            letters.extend(await _read_range(consumer, tp, start, stop, filters))
        return sorted(letters, key=lambda x: (x.at, x.partition, x.offset))
    finally:
        await consumer.stop()


async def _read_range(
    consumer: Any, tp: Any, start: int, stop: int, filters: Filters
) -> list[Letter]:
    letters: list[Letter] = []
    if start >= stop:
        return letters
    consumer.seek(tp, start)
    position = start
    deadline = asyncio.get_running_loop().time() + READ_TIMEOUT_S
    while position < stop and asyncio.get_running_loop().time() < deadline:
        batch = await consumer.getmany(tp, timeout_ms=1000)
        for record in batch.get(tp, []):
            position = record.offset + 1
            if record.offset >= stop:
                break
            letter = _decode(record)
            if letter is not None and filters.keep(letter):
                letters.append(letter)
    return letters


def _kind(value: str | None) -> FailureKind | None:
    if value is None:
        return None
    try:
        return FailureKind(value)
    except ValueError as exc:
        kinds = ", ".join(k.value for k in FailureKind)
        raise typer.BadParameter(f"{value!r}: one of {kinds}") from exc


TOPIC = typer.Option(None, "--topic", help="Only dead letters of this source topic")
KIND = typer.Option(None, "--kind", help="Only this kind: not_json, contract_violation, ...")
SINCE = typer.Option(None, "--since", help="From this time: dd/mm/yyyy [HH:MM] or ISO 8601")
UNTIL = typer.Option(None, "--until", help="Before this time (a bare date: to its end)")


def _filters(topic: str | None, kind: str | None, since: str | None, until: str | None) -> Filters:
    return Filters(topic, _kind(kind), _when_option(since), _when_option(until, end_of_day=True))


def _vn(at: datetime) -> str:
    return at.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M:%S")


@app.command("list")
def list_letters(
    topic: str | None = TOPIC,
    kind: str | None = KIND,
    since: str | None = SINCE,
    until: str | None = UNTIL,
    limit: int = typer.Option(100, help="Show at most this many (the newest)"),
    scan: int = typer.Option(
        DEFAULT_SCAN, help="Without --since: look at the newest this many of each partition"
    ),
) -> None:
    """Dead letters by source topic, kind and time (Vietnam time), newest last."""
    from rich.console import Console
    from rich.table import Table

    filters = _filters(topic, kind, since, until)
    letters = asyncio.run(read_letters(filters, scan=None if since else scan))
    table = Table(title=f"{DEAD_LETTER_TOPIC}: {len(letters)} dead letters")
    table.add_column("id", no_wrap=True)
    table.add_column("at (UTC+7)", no_wrap=True)
    table.add_column("source topic partition:offset", no_wrap=True)
    table.add_column("kind", no_wrap=True)
    table.add_column("error", overflow="fold", ratio=1)
    for letter in letters[-limit:] if limit > 0 else letters:
        b = letter.body
        table.add_row(
            letter.id,
            _vn(letter.at),
            f"{b.source_topic} {b.partition}:{b.offset}",
            b.kind.value,
            b.error[:300],
        )
    Console().print(table)


def _original(b: DeadLetter) -> Iterator[str]:
    raw = base64.b64decode(b.original_value_b64)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        yield f"original value ({len(raw)} bytes, not UTF-8, base64): {b.original_value_b64}"
        return
    yield f"original value ({len(raw)} bytes):"
    yield text


@app.command("show")
def show(letter_id: str = typer.Argument(..., help="partition:offset on deadletter.v1")) -> None:
    """One dead letter in full: where it came from, why, and the original message."""
    if not _ID.match(letter_id):
        raise typer.BadParameter(f"{letter_id!r}: expected partition:offset, e.g. 1:42")
    found = asyncio.run(read_letters(Filters(), {letter_id}))
    if not found:
        typer.echo(f"no dead letter {letter_id} on {DEAD_LETTER_TOPIC}", err=True)
        raise typer.Exit(1)
    letter = found[0]
    b = letter.body
    lines = [
        f"dead letter  {letter.id} on {DEAD_LETTER_TOPIC}, {_vn(letter.at)} (UTC+7)",
        f"source       {b.source_topic} partition {b.partition} offset {b.offset}",
        f"group        {b.consumer_group}",
        f"kind         {b.kind.value} (after {b.attempts} attempt(s))",
        f"error        {b.error}",
        f"key          {base64.b64decode(b.original_key_b64).decode('utf-8', 'replace') if b.original_key_b64 else '-'}",
        *(f"header       {k}: {v}" for k, v in sorted(b.original_headers.items())),
        f"replay       {letter.replay_refusal() or 'possible'}",
        *_original(b),
    ]
    typer.echo("\n".join(lines))


async def _republish(letters: list[Letter], on_sent: Any) -> None:
    from aiokafka import AIOKafkaProducer

    servers, options = _client_options()
    producer = AIOKafkaProducer(
        bootstrap_servers=servers, acks="all", enable_idempotence=True, **options
    )
    await producer.start()
    try:
        for letter in letters:
            b = letter.body
            await producer.send_and_wait(
                b.source_topic,
                base64.b64decode(b.original_value_b64),
                key=base64.b64decode(b.original_key_b64) if b.original_key_b64 else None,
                headers=[(k, v.encode()) for k, v in b.original_headers.items()],
            )
            on_sent()
    finally:
        await producer.stop()


IDS = typer.Argument(None, help="Dead letters (partition:offset); or use the filters")


@app.command("replay")
def replay(
    ids: list[str] | None = IDS,
    topic: str | None = TOPIC,
    kind: str | None = KIND,
    since: str | None = SINCE,
    until: str | None = UNTIL,
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation"),
) -> None:
    """Send originals back to their source topic, to go through the same validation again."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    if not ids and topic is None and kind is None and since is None and until is None:
        raise typer.BadParameter("name dead letters (partition:offset) or filter them")
    for letter_id in ids or ():
        if not _ID.match(letter_id):
            raise typer.BadParameter(f"{letter_id!r}: expected partition:offset, e.g. 1:42")
    letters = asyncio.run(
        read_letters(
            _filters(topic, kind, since, until),
            set(ids) if ids else None,
            scan=None if since else DEFAULT_SCAN,
        )
    )
    refused = [(letter, why) for letter in letters if (why := letter.replay_refusal())]
    for letter, why in refused:
        typer.echo(f"not replayed {letter.id}: {why}", err=True)
    ready = [letter for letter in letters if not letter.replay_refusal()]
    if ids and len(letters) < len(ids):
        missing = sorted(set(ids) - {letter.id for letter in letters})
        typer.echo(f"no such dead letter: {', '.join(missing)}", err=True)
    if not ready:
        typer.echo("nothing to replay")
        raise typer.Exit(1 if refused or ids else 0)
    if not yes:
        typer.confirm(f"Replay {len(ready)} message(s) to their source topics?", abort=True)
    with Progress(
        TextColumn("replaying"), BarColumn(), MofNCompleteColumn(), transient=False
    ) as progress:
        task = progress.add_task("replay", total=len(ready))
        asyncio.run(_republish(ready, lambda: progress.advance(task)))
    typer.echo(f"replayed {len(ready)}, refused {len(refused)}")
    raise typer.Exit(1 if refused else 0)
