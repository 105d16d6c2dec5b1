"""A team of bridges for the lead view's tests: people, bridges, sharing, and days of
history written straight into the log (as the demo does), so a month takes no time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from server.tables import Bridge, Commitment, TrustAct
from tests.conftest import Browser, join_team, run
from tests.repair_helpers import act, check_in, commit

# One letter a day: k kept and confirmed by the other side, l kept but not confirmed,
# m missed (said so), p missed (reported by the other side), - nothing logged.
KINDS = {"k": "kept", "l": "kept", "m": "missed_self", "p": "missed_partner"}


def person_id(person: Browser) -> int:
    return int(person.api("GET", "/me").json()["id"])


def newcomer(browser: Any, lead: Browser, team_id: int, name: str) -> Browser:
    """Someone new who signs up and joins the lead's team."""
    person: Browser = browser(name)
    assert person.sign_up().status_code == 303
    join_team(lead, team_id, person)
    return person


def build_bridge(asker: Browser, partner: Browser, message: str = "Can we talk?") -> int:
    """`asker` asks a teammate to build a bridge, and the teammate accepts."""
    response = asker.api("POST", "/bridges", {"partner": person_id(partner), "message": message})
    assert response.status_code == 201, response.text
    bridge_id = int(response.json()["id"])
    assert partner.api("POST", f"/bridges/{bridge_id}/accept").status_code == 200
    return bridge_id


def share(person: Browser, bridge_id: int, on: bool = True) -> Any:
    response = person.api("PUT", f"/bridges/{bridge_id}/sharing", {"share": on})
    assert response.status_code == 200, response.text
    return response.json()


def share_both(bridge_id: int, *people: Browser) -> None:
    for person in people:
        share(person, bridge_id)


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


async def _history(bridge_id: int, side: str, start: date, days: str) -> None:
    bridge = await Bridge.select(Bridge.side_a, Bridge.side_b).where(Bridge.id == bridge_id).first()
    assert bridge is not None
    people = {"a": bridge["side_a"], "b": bridge["side_b"]}
    other = "b" if side == "a" else "a"
    commitment = Commitment(
        bridge=bridge_id,
        side=side,
        owner=people[side],
        text="A daily promise",
        cadence="daily",
        start=start,
        end=start + timedelta(days=len(days) - 1),
        created_at=_at(start, 8),
    )
    await commitment.save()
    for n, letter in enumerate(days):
        if letter == "-":
            continue
        day = start + timedelta(days=n)
        author = other if letter == "p" else side
        act = TrustAct(
            bridge=bridge_id,
            kind=KINDS[letter],
            author=people[author],
            author_side=author,
            owner_side=side,
            day=day,
            created_at=_at(day, 17),
            commitment=commitment.id,
        )
        await act.save()
        if letter == "k":
            await TrustAct.insert(
                TrustAct(
                    bridge=bridge_id,
                    kind="confirmation",
                    author=people[other],
                    author_side=other,
                    owner_side=side,
                    day=day,
                    created_at=_at(day, 19),
                    target=act.id,
                )
            )


async def _both_histories(bridge_id: int, start: date, a: str, b: str) -> None:
    async with Bridge._meta.db.transaction():  # one connection, not one per act
        await _history(bridge_id, "a", start, a)
        await _history(bridge_id, "b", start, b)


def history(bridge_id: int, start: date, a: str, b: str | None = None) -> None:
    """Days of one daily commitment per side from `start`, one letter a day (see KINDS)."""
    run(_both_histories(bridge_id, start, a, a if b is None else b))


def dashboard(lead: Browser, team_id: int) -> dict[str, Any]:
    response = lead.api("GET", f"/teams/{team_id}/dashboard")
    assert response.status_code == 200, response.text
    return dict(response.json())


def write_everything(writer: Browser, other: Browser, bridge_id: int) -> tuple[list[str], int]:
    """`writer` writes every kind of text on the bridge; `other` reports a miss of theirs.

    Each word starts with its author's name and the bridge: "alice3-plan-written".
    """
    tag = f"{writer.name}{bridge_id}"
    words = {
        field: f"{tag}-{field}-written"
        for field in (
            "plan", "trust", "promise", "summary", "private", "happened", "part",
            "differently", "answer",
        )
    }  # fmt: skip
    words["report"] = f"{other.name}{bridge_id}-report-written"
    plan = {"my_part": words["plan"], "restored_trust": words["trust"]}
    assert writer.api("PUT", f"/bridges/{bridge_id}/plan", plan).status_code == 200
    commitment = commit(writer, bridge_id, words["promise"])
    assert check_in(writer, bridge_id, commitment, "kept").status_code == 201
    listening = {"summary": words["summary"], "private_notes": words["private"]}
    assert act(writer, bridge_id, "listening", listening).status_code == 201
    mistake = {
        "what_happened": words["happened"],
        "my_part": words["part"],
        "differently": words["differently"],
    }
    assert act(writer, bridge_id, "mistakes", mistake).status_code == 201
    # A kept item cannot be reported missed: the report is about a second one, unchecked.
    unchecked = commit(writer, bridge_id, words["promise"])
    report = act(other, bridge_id, "misses", {"commitment": unchecked, "note": words["report"]})
    answer = {"act": report.json()["act_id"], "text": words["answer"]}
    assert writer.api("POST", f"/bridges/{bridge_id}/responses", answer).status_code == 201
    return list(words.values()), commitment
