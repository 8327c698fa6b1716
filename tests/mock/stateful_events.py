"""What Schemathesis' stateful phase did, read from its NDJSON event report: each link it followed and how."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

__all__ = ["Follow", "follows"]


@dataclass(frozen=True)
class Follow:
    """One step of a scenario that came from an explicit link of `openapi.yaml`."""

    link: str
    mode: str
    applied: bool
    status: int
    # The query as sent, each parameter's values.
    query: dict[str, list[str]]
    # The source's response, parsed.
    source_body: Any
    # The link's parameters (by name) whose expression found nothing in the source request or response.
    unresolved: frozenset[str]
    expressions: dict[str, str]


def _body(interaction: dict[str, Any]) -> Any:
    content = interaction["response"].get("content") or {}
    raw = base64.b64decode(content["$base64"]) if "$base64" in content else b""
    try:
        return json.loads(raw)
    except ValueError:
        return None


def _unresolvable(value: Any) -> bool:
    return isinstance(value, dict) and "$unresolvable" in value


def _follows_of(recorder: dict[str, Any]) -> list[Follow]:
    found = []
    interactions = recorder.get("interactions", {})
    for case_id, node in recorder.get("cases", {}).items():
        transition = node.get("transition")
        if not transition or transition["is_inferred"] or case_id not in interactions:
            continue
        sent = interactions[case_id]
        parameters = {name: p for container in transition["parameters"].values() for name, p in container.items()}
        source = interactions.get(transition["parent_id"])
        found.append(
            Follow(
                # "GET /v1/customers -> [200] NextPage -> GET /v1/customers"
                link=transition["id"].split("] ", 1)[1].split(" -> ", 1)[0],
                mode=node["value"]["meta"]["generation"]["mode"],
                applied=node["is_transition_applied"],
                status=sent["response"]["status_code"],
                query=parse_qs(urlsplit(sent["request"]["uri"]).query, keep_blank_values=True),
                source_body=None if source is None else _body(source),
                unresolved=frozenset(name for name, p in parameters.items() if _unresolvable(p.get("value"))),
                expressions={name: p["definition"] for name, p in parameters.items()},
            )
        )
    return found


def follows(report: Path) -> list[Follow]:
    """Every step of the run's stateful scenarios that followed an explicit link."""
    found = []
    for line in report.read_text().splitlines():
        event = json.loads(line)
        finished = event.get("ScenarioFinished")
        if finished is not None and finished.get("phase") == "stateful":
            found.extend(_follows_of(finished["recorder"]))
    return found
