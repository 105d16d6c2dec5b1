"""The numbers on the bridge page agree with each other and say what they count."""

from __future__ import annotations

import re
from html import unescape

from tests.repair_helpers import check_in, commit


def caption(person, bridge: int) -> str:
    page = person.get(f"/bridges/{bridge}").text
    found = re.search(r"<figcaption>(.*?)</figcaption>", page, re.S)
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", found[1]))).strip()


def test_one_plank_of_thirty_reads_the_same_in_the_total_and_each_side(bridge, alice, bob):
    check_in(alice, bridge, commit(alice, bridge))
    assert caption(alice, bridge).startswith("1 of 30 planks laid · you 1 of 15, Bob 0 of 15")
    assert caption(bob, bridge).startswith("1 of 30 planks laid · you 0 of 15, Alice 1 of 15")
    assert "One plank per side per day; half the span from each bank." in caption(bob, bridge)


def test_health_says_it_is_out_of_100(bridge, alice):
    page = alice.get(f"/bridges/{bridge}").text
    assert re.search(r'Health <span class="score">0</span> <small class="muted">out of 100', page)
