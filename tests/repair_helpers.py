"""Small steps of the repair loop, as the app's own script would take them."""

from __future__ import annotations

import uuid
from typing import Any


def key() -> str:
    return uuid.uuid4().hex


def act(
    person: Any, bridge: int, path: str, body: dict[str, Any], idempotency_key: str | None = None
) -> Any:
    return person.api(
        "POST",
        f"/bridges/{bridge}/{path}",
        body,
        headers={"Idempotency-Key": idempotency_key or key()},
    )


def commit(
    person: Any,
    bridge: int,
    text: str = "Send the weekly status by 5pm",
    cadence: str = "daily",
    **extra: Any,
) -> int:
    response = act(person, bridge, "commitments", {"text": text, "cadence": cadence, **extra})
    assert response.status_code == 201, response.text
    return int(response.json()["commitment_id"])


def check_in(
    person: Any,
    bridge: int,
    commitment: int,
    outcome: str = "kept",
    day: str | None = None,
    idempotency_key: str | None = None,
) -> Any:
    body: dict[str, Any] = {"commitment": commitment, "outcome": outcome}
    if day:
        body["day"] = day
    return act(person, bridge, "checkins", body, idempotency_key)


def state(person: Any, bridge: int) -> dict[str, Any]:
    response = person.api("GET", f"/bridges/{bridge}/state")
    assert response.status_code == 200, response.text
    return response.json()
