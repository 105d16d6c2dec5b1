"""The first visit: a signed-out person opening / learns what Bridgework is and how to join."""

from __future__ import annotations

import re
from html import unescape


def visible_text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def test_a_stranger_reads_what_bridgework_is_and_how_it_works(browser):
    stranger = browser("stranger")
    response = stranger.get("/")
    assert response.status_code == 200
    text = visible_text(response.text)
    assert "Bridgework helps two colleagues rebuild trust that was damaged" in text
    assert "How it works" in text
    assert len(re.findall(r"<li><strong>", response.text)) == 3  # three steps
    assert 'href="/signup"' in response.text and 'href="/signin"' in response.text
    assert '<svg viewBox="0 0 360 176" role="img"' in response.text  # the bridge picture
    assert "Hello," not in text


def test_the_first_visit_has_a_meta_description_saying_what_bridgework_is(browser):
    page = browser("stranger").get("/").text
    description = re.search(r'<meta name="description" content="([^"]+)">', page)
    assert description and "rebuild trust at work" in description.group(1)


def test_alice_signed_in_still_opens_her_bridges_at_home(alice):
    text = visible_text(alice.get("/").text)
    assert "Hello, Alice" in text and "How it works" not in text
