"""The rebuild's replay of dossier.lifecycle.v1, set-based.

Nearly every event of a replay is a dossier event, and only each dossier's latest valid
revision matters to the read model. So an event is only peeked at (msgspec reads its id,
type, dossier and revision and skips the rest; no model built); a window of events is kept
in memory, and of each dossier in it only the latest revision is decoded into an event, as
the consumer would (should it break the contract, the next one down is tried, and so on: the
latest valid one wins). Each window's winners and the ids of the events they stand for are
COPYed into temporary tables; when the topic ends, one INSERT … SELECT DISTINCT ON writes
each dossier's winner with the number of distinct events it had, and the rollups are
recomputed once from the dossiers (adapters/replay_store). The incremental path's result,
without its per-batch row locks, upserts and rollup deltas.

Two differences with the consumer remain, both about the events_applied count: an older
event of a dossier that is well-formed JSON but breaks the contract in another field still
counts (only the winner and those above it are decoded), and of two events with the same id
the one of higher revision wins (the consumer's inbox keeps the first).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from uuid import UUID

import msgspec
import pydantic_core

from pasc_contracts import DecodeError, Event, Topic, decode
from pasc_contracts.codec import MAX_MESSAGE_BYTES, peek
from pasc_contracts.events.dossier import DossierChange, DossierSnapshot
from pasc_contracts.topics import event_class
from pasc_runtime.db import Connection
from reporting_service.adapters import replay_store
from reporting_service.domain.read_model import DossierFacts

# Events held in memory before their winners are staged (about 1-2 kB each).
WINDOW = 50_000


@functools.cache
def _dossier_class(topic: Topic, event_type: str, version: int) -> bool | None:
    """Whether the topic carries this event type as one with a dossier (None: not carried)."""
    cls = event_class(event_type, version)
    if cls is None or cls not in topic.events:
        return None
    annotation = cls.model_fields["payload"].annotation
    return isinstance(annotation, type) and issubclass(annotation, DossierChange)


def _parse(raw: bytes, topic: Topic) -> dict[str, Any] | None:
    """The event's JSON object, if it has one this topic carries (None: undecodable)."""
    if len(raw) > MAX_MESSAGE_BYTES:
        return None
    try:
        data = pydantic_core.from_json(raw)
    except ValueError:
        try:  # what pydantic-core refuses, the consumer's own parser may take
            data, _ = peek(raw, topic)
        except DecodeError:
            return None
    return data if isinstance(data, dict) else None


class Peeked(NamedTuple):
    """What a dossier event names, before it is decoded."""

    event_id: UUID
    ma_ho_so: str
    revision: int
    raw: bytes


# The few fields the fold needs, as msgspec reads them (every other field skipped unparsed).
# An event these types do not fit (a field missing or of another JSON type) is read again the
# general way, which decides as before.
class _Dossier(msgspec.Struct):
    ma_ho_so: str
    revision: int


class _Payload(msgspec.Struct):
    dossier: _Dossier | None = None


class _Envelope(msgspec.Struct):
    event_type: str
    schema_version: int
    event_id: UUID
    payload: _Payload | None = None


_ENVELOPE = msgspec.json.Decoder(_Envelope)


@dataclass(frozen=True)
class Winner:
    """A dossier's latest valid revision in a window, and the events it stands for."""

    snapshot: DossierSnapshot
    event_ids: list[UUID]


@dataclass
class Window:
    """Dossier events in arrival order, by dossier; and every event id seen, with its dossier."""

    by_dossier: dict[str, list[Peeked]] = field(default_factory=dict)
    others: list[UUID] = field(default_factory=list)  # ids of events not folded
    size: int = 0
    undecodable: int = 0

    def add(self, raw: bytes, topic: Topic) -> None:
        if len(raw) <= MAX_MESSAGE_BYTES:
            try:
                seen = _ENVELOPE.decode(raw)
            except (msgspec.DecodeError, msgspec.ValidationError):
                pass
            else:
                carries = _dossier_class(topic, seen.event_type, seen.schema_version)
                dossier = seen.payload.dossier if seen.payload is not None else None
                if carries and dossier is not None:
                    self.size += 1
                    self.by_dossier.setdefault(dossier.ma_ho_so, []).append(
                        Peeked(seen.event_id, dossier.ma_ho_so, dossier.revision, raw)
                    )
                    return
                if carries is False:  # e.g. a processing step: the read model does not use it
                    self.size += 1
                    self.others.append(seen.event_id)
                    return
        self._add_read_generally(raw, topic)

    def _add_read_generally(self, raw: bytes, topic: Topic) -> None:
        data = _parse(raw, topic)
        event_type = data.get("event_type") if data else None
        version = data.get("schema_version") if data else None
        if data is None or not isinstance(event_type, str) or not isinstance(version, int):
            self.undecodable += 1
            return
        carries_dossier = _dossier_class(topic, event_type, version)
        try:
            event_id = UUID(data["event_id"])
        except (KeyError, TypeError, ValueError, AttributeError):
            carries_dossier = None
        if carries_dossier is None:
            self.undecodable += 1
            return
        self.size += 1
        named = _dossier_of(data) if carries_dossier else None
        if named is None:
            self.others.append(event_id)
            if carries_dossier:  # no dossier key and revision: the contract refuses it
                self.undecodable += 1
            return
        key, revision = named
        self.by_dossier.setdefault(key, []).append(Peeked(event_id, key, revision, raw))

    def winners(self, topic: Topic) -> dict[str, Winner]:
        """Each dossier's latest valid revision; the events that fail to decode on the way
        are counted undecodable and stand for nothing."""
        out = {}
        for key, candidates in self.by_dossier.items():
            # Latest first; of equal revisions the earlier (the consumer keeps the stored one).
            ranked = sorted(candidates, key=lambda p: -p.revision)
            for tried, candidate in enumerate(ranked):
                event = _decoded(candidate.raw, topic)
                if event is None:
                    continue
                self.undecodable += tried
                self.others.extend(p.event_id for p in ranked[:tried])
                counted = [candidate.event_id]
                for lower in ranked[tried + 1 :]:
                    if tried == 0 or _decoded(lower.raw, topic) is not None:
                        counted.append(lower.event_id)
                    else:
                        self.others.append(lower.event_id)
                        self.undecodable += 1
                out[key] = Winner(event.payload.dossier, counted)  # type: ignore[attr-defined]
                break
            else:
                self.undecodable += len(ranked)
                self.others.extend(p.event_id for p in ranked)
        return out


def _decoded(raw: bytes, topic: Topic) -> Event | None:
    try:
        return decode(raw, topic)
    except DecodeError:
        return None


def _dossier_of(data: dict[str, Any]) -> tuple[str, int] | None:
    """The dossier key and revision an event's JSON names (None: not in a usable shape)."""
    payload = data.get("payload")
    dossier = payload.get("dossier") if isinstance(payload, dict) else None
    if not isinstance(dossier, dict):
        return None
    key, revision = dossier.get("ma_ho_so"), dossier.get("revision")
    if not isinstance(key, str) or not isinstance(revision, int) or isinstance(revision, bool):
        return None
    return key, revision


@dataclass
class DossierReplay:
    """One replay of the dossier topic into the read model (inside the rebuild's transaction,
    the read model emptied): `add` each batch, then `finish`."""

    conn: Connection
    topic: Topic
    window: Window = field(default_factory=Window)
    undecodable: int = 0
    windows: int = 0

    @classmethod
    async def start(cls, conn: Connection, topic: Topic) -> DossierReplay:
        await replay_store.stage_dossiers(conn)
        return cls(conn, topic)

    async def add(self, raws: list[bytes]) -> None:
        for raw in raws:
            self.window.add(raw, self.topic)
        if self.window.size >= WINDOW:
            await self._flush()

    async def _flush(self) -> None:
        window, self.window = self.window, Window()
        winners = window.winners(self.topic)
        self.undecodable += window.undecodable
        self.windows += 1
        facts = [DossierFacts.of(w.snapshot) for w in winners.values()]
        ids: list[tuple[UUID, str | None]] = [
            (i, key) for key, w in winners.items() for i in w.event_ids
        ]
        ids += [(i, None) for i in window.others]
        await replay_store.stage(self.conn, facts, self.windows, ids)

    async def finish(self) -> tuple[int, int]:
        """Write the dossiers and the rollups; (distinct events, duplicates) of the topic."""
        await self._flush()
        return await replay_store.write_staged_dossiers(self.conn)
