from datetime import timedelta

from trust_builders import ALICE, BOB, Log, day, evening

from server.domain import (
    CONFIRMATION_LABELS,
    ActKind,
    Side,
    can_confirm,
    can_withdraw,
    confirmable_on,
    live_acts,
    other,
    withdrawn_ids,
)


def test_each_side_has_one_other():
    assert other(Side.A) is Side.B
    assert other(Side.B) is Side.A


def test_an_author_can_withdraw_their_own_act_within_a_day():
    act = Log().kept(ALICE, day(0))
    assert can_withdraw(act, ALICE, act.created_at + timedelta(hours=23, minutes=59))


def test_an_act_is_settled_after_twenty_four_hours():
    act = Log().kept(ALICE, day(0))
    assert not can_withdraw(act, ALICE, act.created_at + timedelta(hours=24))


def test_nobody_can_withdraw_someone_elses_act():
    log = Log()
    reported = log.reported(ALICE, day(0))  # Bob wrote it, about Alice
    assert not can_withdraw(reported, ALICE, reported.created_at)
    assert can_withdraw(reported, BOB, reported.created_at)


def test_a_withdrawal_cannot_itself_be_withdrawn():
    log = Log()
    withdrawal = log.withdraw(log.kept(ALICE, day(0)))
    assert not can_withdraw(withdrawal, ALICE, withdrawal.created_at)


def test_only_the_other_side_can_confirm_a_plank():
    log = Log()
    kept = log.kept(ALICE, day(0))
    assert can_confirm(kept, BOB)
    assert not can_confirm(kept, ALICE)


def test_kept_listening_and_mistake_acts_can_be_confirmed_and_misses_cannot():
    log = Log()
    assert can_confirm(log.listened(ALICE, day(0)), BOB)
    assert can_confirm(log.owned_mistake(ALICE, day(0)), BOB)
    assert not can_confirm(log.missed(ALICE, day(0)), BOB)
    assert not can_confirm(log.reported(ALICE, day(0)), BOB)


def test_a_plank_can_be_confirmed_for_two_weeks_after_its_day_and_not_after():
    act = Log().kept(ALICE, day(0))
    assert confirmable_on(act, day(0))
    assert confirmable_on(act, day(14))
    assert not confirmable_on(act, day(15))


def test_a_confirmation_made_in_time_keeps_counting_after_the_window_closed():
    log = Log()
    kept = log.kept(ALICE, day(0))
    log.confirm(kept, at=evening(day(3)))
    [live] = live_acts(log.acts)
    assert live.confirmed and not confirmable_on(kept, day(40))


def test_confirmations_say_what_they_mean():
    assert CONFIRMATION_LABELS[ActKind.KEPT] == "secures the plank"
    assert CONFIRMATION_LABELS[ActKind.LISTENING] == "I felt heard"
    assert CONFIRMATION_LABELS[ActKind.MISTAKE] == "acknowledged"


def test_a_withdrawn_act_drops_out_of_the_live_log():
    log = Log()
    kept = log.kept(ALICE, day(0))
    log.withdraw(kept)
    assert withdrawn_ids(log.acts) == {kept.id}
    assert live_acts(log.acts) == []


def test_a_late_withdrawal_is_ignored():
    log = Log()
    kept = log.kept(ALICE, day(0))
    log.withdraw(kept, at=kept.created_at + timedelta(hours=25))
    assert [live.act for live in live_acts(log.acts)] == [kept]


def test_a_withdrawal_by_the_wrong_side_is_ignored():
    log = Log()
    kept = log.kept(ALICE, day(0))
    log.add(ActKind.WITHDRAWAL, BOB, ALICE, day(0), target=kept.id)
    assert withdrawn_ids(log.acts) == frozenset()


def test_withdrawing_a_confirmation_leaves_the_plank_laid_but_unsecured():
    log = Log()
    kept = log.kept(ALICE, day(0))
    log.withdraw(log.confirm(kept))
    assert [(live.act, live.confirmed) for live in live_acts(log.acts)] == [(kept, False)]


def test_a_self_confirmation_is_ignored():
    log = Log()
    kept = log.kept(ALICE, day(0))
    log.add(ActKind.CONFIRMATION, ALICE, ALICE, day(0), target=kept.id)
    assert not live_acts(log.acts)[0].confirmed


def test_confirming_a_withdrawn_act_changes_nothing():
    log = Log()
    kept = log.kept(ALICE, day(0))
    log.withdraw(kept)
    log.confirm(kept, at=evening(day(0), 2))
    assert live_acts(log.acts) == []
