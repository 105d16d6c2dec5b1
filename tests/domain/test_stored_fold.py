"""A fold stored for a bridge (server/repair/derived.py) carried on to any reader's day,
in any time zone, with the acts written since, gives exactly what deriving its whole
log gives on that day; a fold of a later day than the reader's is refused."""

import pickle
import zlib
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from test_resume import KEEP, LATER, act_later, bridges, what_screens_read
from trust_builders import ALICE, BOB, Log, daily, day

from server.domain import (
    CONFIRM_DAYS,
    ZONES_APART,
    Derivation,
    TrustAct,
    advance,
    derive_bridge,
    fold_day,
    folded,
    oldest_open_day,
    resume,
)


def stored(fold: Derivation) -> Derivation:
    """The fold as the database gives it back (derived.py stores it so)."""
    data = zlib.compress(pickle.dumps(folded(fold)))
    return pickle.loads(zlib.decompress(data))  # noqa: S301 - bytes we just made


@settings(max_examples=300, deadline=None)
@given(
    bridges(),
    st.integers(0, 28),
    st.integers(-2, 5),
    st.booleans(),
    LATER,
    st.integers(0, 3),
    LATER,
)
def test_a_fold_carried_on_to_any_readers_day_equals_the_whole_log_derived_on_it(
    bridge, first, days_on, cut, later, then_days, then
):
    log, commitments, pauses = bridge
    written = day(first)  # the writer's local day
    # The fold covers the log so far, or the part of it old enough to be sure of.
    known = len(log.acts) // 2 if cut else len(log.acts)
    fold = stored(
        derive_bridge(log.acts[:known], commitments, pauses, fold_day(written), keep=KEEP)
    )
    # A reader two zones behind the writer, on the same day, or days later.
    today = written + timedelta(days=days_on)
    act_later(log, later, today)
    carried = resume(fold, today, log.acts[known:], commitments, pauses)
    if carried is None:  # the new acts reached back into settled days, or nothing on it
        assert log.acts[known:] or not commitments
        carried = derive_bridge(log.acts, commitments, pauses, today, keep=KEEP)
    what_screens_read(carried, log.acts, commitments, pauses)
    # The process keeps what it carried on, and carries it on again later.
    before = len(log.acts)
    today += timedelta(days=then_days)
    act_later(log, then, today)
    again = advance(carried, today, log.acts[before:])
    if again is None:
        again = derive_bridge(log.acts, commitments, pauses, today, keep=KEEP)
    what_screens_read(again, log.acts, commitments, pauses)


@settings(max_examples=200, deadline=None)
@given(bridges(), st.integers(0, 28), st.integers(-2, 5))
def test_no_reader_anywhere_is_refused_a_fold_and_everything_it_settled_is_settled_for_them(
    bridge, first, days_on
):
    log, commitments, pauses = bridge
    written = day(first)
    fold = stored(derive_bridge(log.acts, commitments, pauses, fold_day(written), keep=KEEP))
    today = written + timedelta(days=days_on)
    assert resume(fold, today, [], commitments, pauses) is not None
    # Every day of the bridge the fold has settled is settled on the reader's day too
    # (before its first day there is nothing to settle).
    if fold.settled >= fold.start:
        assert fold.settled <= oldest_open_day(today) - timedelta(days=1)


@settings(max_examples=200, deadline=None)
@given(bridges(), st.integers(0, 28), st.integers(1, 10))
def test_a_fold_of_a_later_day_than_the_readers_is_refused(bridge, first, days_back):
    log, commitments, pauses = bridge
    fold = stored(derive_bridge(log.acts, commitments, pauses, day(first), keep=KEEP))
    assert resume(fold, day(first) - timedelta(days=days_back), [], commitments, pauses) is None


def test_a_fold_of_a_later_day_has_let_go_of_a_plank_that_still_waits_on_the_readers_day():
    # Why a fold is derived two days back rather than its day set back afterwards: Bob
    # may confirm Alice's plank of day 0 up to day 14; a fold of day 15 no longer holds it.
    log = Log()
    commitments = [daily(1, ALICE)]
    plank = log.kept(ALICE, day(0), 1)
    for n in range(1, CONFIRM_DAYS + 2):
        log.secured(ALICE, day(n), 1)
    reader = day(CONFIRM_DAYS)
    assert plank in derive_bridge(log.acts, commitments, [], reader, keep=KEEP).waiting[BOB]
    later = stored(derive_bridge(log.acts, commitments, [], reader + ZONES_APART, keep=KEEP))
    assert all(plank not in s.waiting for s in later.summary.values())
    assert resume(later, reader, [], commitments, []) is None
    fold = stored(derive_bridge(log.acts, commitments, [], fold_day(reader), keep=KEEP))
    carried = resume(fold, reader, [], commitments, [])
    assert carried is not None
    assert plank in carried.waiting[BOB]


def test_a_fold_holds_no_text_anyone_wrote():
    # A fold is made of acts as the domain sees them (kinds, sides, days, ids), dates
    # and numbers: texts stay in the act rows (server/repair/state.py), so deleting an
    # account has nothing to clear in the stored folds.
    assert TrustAct._fields == (
        "id", "kind", "author", "owner", "day", "created_at", "commitment_id", "target_id"
    )  # fmt: skip
    log = Log()
    log.confirm(log.listened(ALICE, day(0)))
    log.owned_mistake(BOB, day(1))
    fold = folded(derive_bridge(log.acts, [daily(1, ALICE)], [], day(3), keep=KEEP))
    assert not any(isinstance(value, str) for value in fold)
