from trust_builders import ALICE, BOB, Log, day

from server.domain import Badge, PersonFacts, Side, bridge_facts, combine_facts, earned_badges


def test_a_newcomer_has_no_badges():
    assert earned_badges(PersonFacts()) == frozenset()


def test_the_first_plank_earns_a_badge():
    log = Log()
    log.kept(ALICE, day(0))
    assert earned_badges(bridge_facts(log.acts, ALICE)) == {Badge.FIRST_PLANK}
    assert earned_badges(bridge_facts(log.acts, BOB)) == frozenset()


def test_a_miss_is_not_a_plank_worth_a_badge():
    log = Log()
    log.missed(ALICE, day(0))
    assert earned_badges(bridge_facts(log.acts, ALICE)) == frozenset()


def test_a_listening_session_and_an_owned_mistake_each_earn_their_own_badge():
    log = Log()
    log.listened(ALICE, day(0))
    log.owned_mistake(BOB, day(0))
    assert earned_badges(bridge_facts(log.acts, ALICE)) == {
        Badge.FIRST_PLANK,
        Badge.FIRST_LISTENING_SESSION,
    }
    assert earned_badges(bridge_facts(log.acts, BOB)) == {
        Badge.FIRST_PLANK,
        Badge.FIRST_OWNED_MISTAKE,
    }


def test_a_seven_day_streak_earns_a_badge_and_six_days_do_not():
    assert Badge.SEVEN_DAY_STREAK not in earned_badges(PersonFacts(best_streak=6))
    assert Badge.SEVEN_DAY_STREAK in earned_badges(PersonFacts(best_streak=7))


def test_completing_a_bridge_earns_a_badge_for_both_sides():
    log = Log()
    for n in range(15):
        log.kept(ALICE, day(n))
        log.kept(BOB, day(n))
    for side in (ALICE, BOB):
        assert Badge.FIRST_BRIDGE_COMPLETED in earned_badges(bridge_facts(log.acts, side))
    assert bridge_facts(log.acts, ALICE, span=40).bridges_completed == 0


def test_a_withdrawn_act_earns_nothing():
    log = Log()
    log.withdraw(log.listened(ALICE, day(0)))
    assert earned_badges(bridge_facts(log.acts, ALICE)) == frozenset()


def test_badges_add_up_across_bridges():
    with_bob, with_charlie = Log(), Log()
    with_bob.listened(ALICE, day(0))
    with_charlie.owned_mistake(Side.B, day(1))  # on Charlie's bridge Alice is side B
    facts = combine_facts(
        [
            bridge_facts(with_bob.acts, ALICE, best_streak=3),
            bridge_facts(with_charlie.acts, Side.B, best_streak=8),
        ]
    )
    assert facts == PersonFacts(
        planks=2, listening_sessions=1, owned_mistakes=1, bridges_completed=0, best_streak=8
    )
    assert earned_badges(facts) == {
        Badge.FIRST_PLANK,
        Badge.FIRST_LISTENING_SESSION,
        Badge.FIRST_OWNED_MISTAKE,
        Badge.SEVEN_DAY_STREAK,
    }
