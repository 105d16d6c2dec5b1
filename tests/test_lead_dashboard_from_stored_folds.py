"""After a restart (or on the other worker) nothing of a bridge is derived in the
process: carol's dashboard and alice's Today then carry on each bridge's stored fold
with the acts written after it, instead of deriving its whole log, and show exactly
what a derivation of the whole log shows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine

from server.checkin.service import today_view
from server.observe import metrics
from server.repair import derived
from server.tables import BridgeFold, Commitment, TrustAct, User
from tests.conftest import run
from tests.lead_helpers import dashboard, history, share_both
from tests.repair_helpers import act, check_in

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
TODAY = date(2026, 11, 20)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def shared(team, bridge, alice, bob) -> int:
    """alice and bob share their bridge: forty good days behind it, today still open."""
    history(bridge, TODAY - timedelta(days=40), "k" * 40 + "-")
    share_both(bridge, alice, bob)
    return bridge


def restart() -> None:
    """What a new process knows of the bridges: nothing."""
    derived._cache.clear()


def counted(metric: Any, start: str) -> float:
    return float(metric.labels(start)._value.get())


def todays(person: Any) -> Any:
    user = run(User.objects().where(User.email == person.email).first())
    return run(today_view(user))


def from_the_whole_log(read: Any) -> Any:
    """What `read` shows with no fold stored and nothing derived in the process."""
    run(BridgeFold.delete(force=True))
    restart()
    return read()


def test_carols_dashboard_after_a_restart_is_read_through_the_stored_fold(team, shared, carol):
    before = dashboard(carol, team)  # derived from the whole log, its fold stored
    [fold] = run(BridgeFold.select(BridgeFold.bridge, BridgeFold.domain))
    assert fold == {"bridge": shared, "domain": derived.DOMAIN}
    restart()
    folds, logs = counted(metrics.DERIVATIONS, "fold"), counted(metrics.DERIVATIONS, "log")
    assert dashboard(carol, team) == before
    assert counted(metrics.DERIVATIONS, "fold") == folds + 1
    assert counted(metrics.DERIVATIONS, "log") == logs


def test_alice_checks_in_and_the_fold_carries_her_plank_to_her_today_and_carols_dashboard(
    team, shared, alice, carol
):
    before = dashboard(carol, team)
    daily = run(Commitment.select(Commitment.id).where(Commitment.side == "a").first())["id"]
    assert check_in(alice, shared, daily, "kept").status_code == 201
    restart()
    read = counted(metrics.DERIVED_ACTS_READ, "fold")
    through_fold = dashboard(carol, team), todays(alice)
    # Only the act after the fold was read: her check-in, not forty days of history.
    assert counted(metrics.DERIVED_ACTS_READ, "fold") == read + 1
    assert run(TrustAct.count().where(TrustAct.bridge == shared)) > 100
    assert through_fold == from_the_whole_log(lambda: (dashboard(carol, team), todays(alice)))
    moved = through_fold[0]["bridges"][0]
    assert moved["planks_laid"] == before["bridges"][0]["planks_laid"] + 1
    assert moved["days_since_last_act"] == 0


def test_a_listening_session_from_before_the_fold_still_shows_its_summary_on_bobs_today(
    frozen, team, shared, alice, bob, carol
):
    listening = {"summary": "alice heard bob out about the release", "private_notes": ""}
    assert act(alice, shared, "listening", listening).status_code == 201
    frozen.move_to(NOW + timedelta(hours=1))  # old enough to be folded
    run(BridgeFold.delete(force=True))
    restart()
    dashboard(carol, team)  # the fold now holds alice's session, waiting for bob
    restart()
    through_fold = todays(bob)
    assert "alice heard bob out about the release" in repr(through_fold)
    assert through_fold == from_the_whole_log(lambda: todays(bob))


def test_a_fold_stored_by_other_rules_is_ignored_and_stored_anew(team, shared, carol):
    before = dashboard(carol, team)
    run(BridgeFold.update({BridgeFold.domain: "rules-of-2025"}, force=True))
    restart()
    folds = counted(metrics.DERIVATIONS, "fold")
    assert dashboard(carol, team) == before
    assert counted(metrics.DERIVATIONS, "fold") == folds
    [fold] = run(BridgeFold.select(BridgeFold.domain))
    assert fold["domain"] == derived.DOMAIN


def test_a_fold_that_does_not_load_is_ignored(team, shared, carol):
    before = dashboard(carol, team)
    run(BridgeFold.update({BridgeFold.payload: b"not a fold"}, force=True))
    restart()
    assert dashboard(carol, team) == before


def test_a_fold_not_signed_with_the_apps_key_is_never_loaded_and_is_stored_anew(
    team, shared, carol
):
    """A row written by anything but this app (or before its key was rotated) is never
    unpickled: the bridge is derived from its log and its fold stored again, signed."""
    before = dashboard(carol, team)
    [stored] = run(BridgeFold.select(BridgeFold.payload))
    forged = b"\0" * 32 + bytes(stored["payload"])[32:]  # the same fold, another signature
    run(BridgeFold.update({BridgeFold.payload: forged}, force=True))
    restart()
    folds = counted(metrics.DERIVATIONS, "fold")
    assert dashboard(carol, team) == before
    assert counted(metrics.DERIVATIONS, "fold") == folds  # not carried on from it
    [again] = run(BridgeFold.select(BridgeFold.payload))
    assert bytes(again["payload"])[:32] != b"\0" * 32
    restart()
    assert dashboard(carol, team) == before
    assert counted(metrics.DERIVATIONS, "fold") == folds + 1  # the new one loads


def test_deleting_the_bridge_deletes_its_fold(team, shared, carol):
    from server.tables import Bridge

    dashboard(carol, team)
    assert run(BridgeFold.count()) == 1
    run(Bridge.delete().where(Bridge.id == shared))
    assert run(BridgeFold.count()) == 0


def test_store_folds_stores_what_a_reader_would_have_left(team, shared, carol):
    assert run(derived.store_folds([shared], TODAY)) == 1
    restart()
    folds = counted(metrics.DERIVATIONS, "fold")
    through_fold = dashboard(carol, team)
    assert counted(metrics.DERIVATIONS, "fold") == folds + 1
    assert through_fold == from_the_whole_log(lambda: dashboard(carol, team))


def test_a_fold_carol_stored_a_day_ahead_carries_alices_today_two_days_behind(
    frozen, team, shared, alice, carol
):
    # 10:30 UTC: already the 21st at Kiritimati (carol), still the 19th at Pago Pago (alice).
    frozen.move_to(datetime(2026, 11, 20, 10, 30, tzinfo=UTC))
    run(User.update({User.time_zone: "Pacific/Kiritimati"}).where(User.email == carol.email))
    run(User.update({User.time_zone: "Pacific/Pago_Pago"}).where(User.email == alice.email))
    dashboard(carol, team)  # derived on the 21st, its fold stored
    restart()
    folds = counted(metrics.DERIVATIONS, "fold")
    through_fold = todays(alice)
    assert counted(metrics.DERIVATIONS, "fold") == folds + 1
    assert through_fold == from_the_whole_log(lambda: todays(alice))
