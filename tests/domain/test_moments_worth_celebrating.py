"""Moments worth celebrating come from the one derivation: the same facts as badges,
the same span as the bridge drawing; and a person's week in figures."""

from trust_builders import ALICE, BOB, Log, daily, day

from server.domain import Commitment, Side, bridge_progress, derive_bridge
from server.domain.moments import Moment, earned_moments, to_celebrate, week_figures

SPAN = 8  # each half reaches the middle at 4 planks: 25 % is one side's second plank


def moments(
    log: Log,
    side: Side,
    today_n: int,
    span: int = SPAN,
    commitments: list[Commitment] | None = None,
):
    derivation = derive_bridge(log.acts, commitments or [], [], day(today_n), keep=0)
    return earned_moments(derivation, side, span)


def test_alices_first_plank_is_hers_and_not_bobs():
    log = Log()
    log.kept(ALICE, day(0))
    assert moments(log, ALICE, 0) == {Moment.FIRST_PLANK}
    assert moments(log, BOB, 0) == frozenset()


def test_milestones_follow_the_span_the_bridge_drawing_counts():
    log = Log()
    for n in range(4):
        log.kept(ALICE, day(n))
    for n in range(3):
        log.kept(BOB, day(n))
    assert bridge_progress(log.acts, SPAN).percent == 87
    assert moments(log, BOB, 3) >= {Moment.SPAN_25, Moment.SPAN_50, Moment.SPAN_75}
    assert Moment.HALVES_MEET not in moments(log, BOB, 3)
    log.kept(BOB, day(3))
    both = moments(log, BOB, 3)
    assert {Moment.HALVES_MEET, Moment.FIRST_BRIDGE_COMPLETED} <= both
    assert both == moments(log, ALICE, 3)  # the bridge's moments are both sides'


def test_one_side_alone_reaches_half_the_span_and_no_further():
    log = Log()
    for n in range(8):
        log.kept(ALICE, day(n))
    assert moments(log, ALICE, 7) == {Moment.FIRST_PLANK, Moment.SPAN_25, Moment.SPAN_50}


def test_badges_become_moments_with_the_same_rule():
    log = Log()
    for n in range(7):  # a week of her daily commitment kept: a 7-day streak
        log.kept(ALICE, day(n), 1)
    log.listened(ALICE, day(0))
    log.owned_mistake(ALICE, day(1))
    assert moments(log, ALICE, 6, span=30, commitments=[daily(1, ALICE)]) == {
        Moment.FIRST_PLANK,
        Moment.FIRST_LISTENING_SESSION,
        Moment.FIRST_OWNED_MISTAKE,
        Moment.SEVEN_DAY_STREAK,
    }


def test_what_was_celebrated_is_not_again_and_the_biggest_comes_first():
    earned = frozenset({Moment.FIRST_PLANK, Moment.SPAN_25, Moment.SPAN_50})
    assert to_celebrate(earned, [], []) == [Moment.SPAN_50, Moment.SPAN_25, Moment.FIRST_PLANK]
    assert to_celebrate(earned, [Moment.SPAN_25, Moment.FIRST_PLANK], []) == [Moment.SPAN_50]


def test_a_badge_is_celebrated_once_per_person_a_bridges_first_plank_once_per_bridge():
    earned = frozenset({Moment.FIRST_PLANK, Moment.SEVEN_DAY_STREAK})
    elsewhere = [Moment.FIRST_PLANK, Moment.SEVEN_DAY_STREAK]  # on another bridge
    assert to_celebrate(earned, [], elsewhere) == [Moment.FIRST_PLANK]


def test_a_week_counts_kept_of_due_and_planks_the_partner_secured():
    log = Log()
    for n in range(7):
        if n == 2:
            log.missed(ALICE, day(n), commitment=1)
        elif n < 4:
            log.secured(ALICE, day(n), commitment=1)
        else:
            log.kept(ALICE, day(n), commitment=1)
    derivation = derive_bridge(log.acts, [daily(1, ALICE)], [], day(6), keep=0)
    figures = week_figures(derivation.ledgers[ALICE], day(6))
    assert (figures.due, figures.kept, figures.secured) == (7, 6, 3)
    assert derivation.percent(30) == bridge_progress(log.acts, 30).percent
