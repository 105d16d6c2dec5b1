"""The one derivation cache: a change shows at once, and pages that miss together share a load."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import time_machine

from server import clock
from server.checkin import service as today_service
from server.repair import derived
from server.repair import state as state_queries
from server.tables import TrustAct, User
from tests.conftest import run
from tests.repair_helpers import act, check_in, commit, state


def _user(person: Any) -> User:
    return run(User.objects().where(User.email == person.email).first())


def test_pages_opened_together_after_a_check_in_read_the_bridge_once_a_person(
    bridge, alice, bob, monkeypatch
):
    commitment = commit(alice, bridge)
    users = [_user(alice), _user(bob)]
    for user in users:  # both pages seen once: the cache holds the bridge
        run(today_service.today_view(user))
    check_in(alice, bridge, commitment, "kept")
    loads: list[list[int]] = []
    load_many = state_queries.load_many

    async def counted(rows: list[dict[str, Any]], **kwargs: Any) -> Any:
        loads.append([row["id"] for row in rows])
        return await load_many(rows, **kwargs)

    monkeypatch.setattr(state_queries, "load_many", counted)

    async def three_pages_at_once() -> list[Any]:
        return await asyncio.gather(
            today_service.today_view(users[0]),
            today_service.today_view(users[0]),
            today_service.today_view(users[1]),
        )

    alices, again, bobs = run(three_pages_at_once())

    # alice's two pages share one read of the bridge. On PostgreSQL, where reads wait,
    # bob's page waits for that same read; SQLite reads on the spot, so his page reads
    # again once alice's share is kept.
    assert loads in ([[bridge]], [[bridge], [bridge]])
    assert [i.outcome for i in alices.items] == [i.outcome for i in again.items] == ["kept"]
    assert [w.kind.value for w in bobs.confirmations] == ["kept"]


def test_an_act_written_by_any_code_shows_on_today_at_once(bridge, alice, bob):
    commitment = commit(alice, bridge)
    assert [i.outcome for i in run(today_service.today_view(_user(alice))).items] == ["open"]
    today = run(today_service.today_view(_user(alice))).today
    written = TrustAct(
        bridge=bridge,
        kind="kept",
        author_side="a",
        owner_side="a",
        day=today,
        created_at=clock.now(),
        commitment=commitment,
    )
    run(written.save())
    assert [i.outcome for i in run(today_service.today_view(_user(alice))).items] == ["kept"]


def test_bob_catching_up_on_last_weeks_planks_never_reads_the_whole_log(
    bridge, alice, bob, monkeypatch
):
    start = clock.now() - timedelta(days=6)
    with time_machine.travel(start, tick=False) as traveller:
        commitment = commit(alice, bridge)
        for n in range(6):
            traveller.move_to(start + timedelta(days=n))
            assert check_in(alice, bridge, commitment).status_code == 201
    users = [_user(alice), _user(bob)]
    for user in users:  # both pages seen once: the cache holds the bridge
        run(today_service.today_view(user))
    planks = [e for e in state(bob, bridge)["timeline"] if e["kind"] == "kept"]
    oldest = min(planks, key=lambda e: e["id"])["id"]  # six days ago: long settled
    loads: list[dict[str, Any]] = []
    load_many = state_queries.load_many

    async def counted(rows: list[dict[str, Any]], **kwargs: Any) -> Any:
        loads.append(kwargs)
        return await load_many(rows, **kwargs)

    monkeypatch.setattr(state_queries, "load_many", counted)
    assert act(bob, bridge, "confirmations", {"act": oldest}).status_code == 201
    alices, bobs = (run(today_service.today_view(user)) for user in users)
    assert loads and all("after" in kwargs for kwargs in loads), loads

    derived._cache.clear()  # what both read equals the whole log derived afresh
    assert run(today_service.today_view(users[0])) == alices
    assert run(today_service.today_view(users[1])) == bobs
    assert oldest not in [w.act_id for w in bobs.confirmations]
