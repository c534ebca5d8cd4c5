"""The checked-in documents: a JSON Schema per event, an AsyncAPI 3 document per service, examples."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from pasc_contracts.envelope import Event
from pasc_contracts.topics import SERVICES, TOPICS, Topic, consumed_by, owned_by

LOCAL_BROKER = "127.0.0.1:9092"


def schema_file(event: type[Event]) -> str:
    return f"schemas/{event.type_name()}.v{event.version()}.json"


def event_schema(event: type[BaseModel]) -> dict[str, Any]:
    schema = event.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def example_file(event: type[Event]) -> str:
    return f"examples/{event.type_name()}.v{event.version()}.json"


def _message_id(model: type[BaseModel]) -> str:
    if issubclass(model, Event):
        return f"{model.type_name()}.v{model.version()}"
    return model.__name__


def _channel_id(topic: Topic) -> str:
    return topic.name.replace(".", "_")


def _messages(topic: Topic) -> list[type[BaseModel]]:
    return [*topic.events, *topic.external_schemas]


def asyncapi(service: str) -> dict[str, Any]:
    """An AsyncAPI 3.0 document of what `service` sends and receives."""
    sends, receives = owned_by(service), consumed_by(service)
    topics = {t.name: t for t in [*sends, *receives]}
    components_schemas: dict[str, Any] = {}
    components_messages: dict[str, Any] = {}
    channels: dict[str, Any] = {}
    for t in topics.values():
        refs = {}
        for model in _messages(t):
            mid = _message_id(model)
            schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
            components_schemas.update(schema.pop("$defs", {}))
            components_messages[mid] = {
                "name": mid,
                "title": model.__name__,
                "summary": (model.__doc__ or "").strip().split("\n")[0] or mid,
                "contentType": "application/json",
                "payload": schema,
            }
            refs[mid] = {"$ref": f"#/components/messages/{mid}"}
        channels[_channel_id(t)] = {
            "address": t.name,
            "description": t.description,
            "messages": refs,
            "bindings": {
                "kafka": {
                    "partitions": t.partitions,
                    "topicConfiguration": {
                        "cleanup.policy": ["compact" if t.compacted else "delete"],
                        "retention.ms": t.retention_ms,
                    },
                    "bindingVersion": "0.5.0",
                }
            },
            "x-key": t.key.name,
            "x-owner": t.owner,
            "x-consumers": list(t.consumers),
        }
    operations: dict[str, Any] = {}
    for action, group in (("send", sends), ("receive", receives)):
        for t in group:
            cid = _channel_id(t)
            operations[f"{action}_{cid}"] = {
                "action": action,
                "channel": {"$ref": f"#/channels/{cid}"},
                "messages": [
                    {"$ref": f"#/channels/{cid}/messages/{_message_id(m)}"} for m in _messages(t)
                ],
            }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": service,
            "version": "1.0.0",
            "description": f"Topics {service} sends and receives on the PASC platform.",
        },
        "defaultContentType": "application/json",
        "servers": {"local": {"host": LOCAL_BROKER, "protocol": "kafka"}},
        "channels": channels,
        "operations": operations,
        "components": {"messages": components_messages, "schemas": components_schemas},
    }


def render(document: Any) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def topic_map() -> str:
    """The Markdown table of contracts/README.md."""
    lines = [
        "| topic | key | owner | consumers | partitions | events |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for t in TOPICS:
        events = ", ".join(f"`{_message_id(m)}`" for m in _messages(t))
        consumers = ", ".join(t.consumers) or "(operators)"
        lines.append(
            f"| `{t.name}` | {t.key.name} | {t.owner} | {consumers} | {t.partitions} | {events} |"
        )
    return "\n".join(lines) + "\n"


def schema_documents() -> dict[str, str]:
    """The JSON Schemas and AsyncAPI documents, by path relative to contracts/."""
    files: dict[str, str] = {}
    for t in TOPICS:
        for event in t.events:
            files[schema_file(event)] = render(event_schema(event))
        for model in t.external_schemas:
            files[f"schemas/external/{model.__name__}.json"] = render(event_schema(model))
    for service in SERVICES:
        files[f"asyncapi/{service}.json"] = render(asyncapi(service))
    return files


def example_documents() -> dict[str, str]:
    """A valid example of every event (raises if an example no longer fits its model)."""
    return {
        example_file(event): render(event.example().model_dump(mode="json"))
        for t in TOPICS
        for event in t.events
    }


def all_documents() -> dict[str, str]:
    """Every generated file, by path relative to contracts/."""
    return {**schema_documents(), **example_documents()}
