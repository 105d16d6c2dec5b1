"""The sender posts through one aiohttp session to a real push service on loopback
(a non-default port), which verifies each VAPID token and decrypts each push with
http_ece: every push carries the TTL it was given, 0 included, whatever the push
before it asked; connections are kept; a slow push service holds only its own
connections; and each answer comes back as the `PushError` contract says."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from server.reminders.keys import new_private_key
from server.reminders.push import Device as PushDevice
from server.reminders.push import PushError, WebPush
from tests.reminders_helpers import Answer, PushService

pytest_plugins = ["tests.reminders_helpers"]  # the `push` service fixture


def with_sender(use: Callable[[WebPush], Awaitable[Any]], **options: Any) -> Any:
    async def main() -> Any:
        sender = WebPush(new_private_key(), "mailto:reminders@example.com", **options)
        try:
            return await use(sender)
        finally:
            await sender.aclose()

    return asyncio.run(main())


async def outcome(sender: WebPush, device: Any, **options: Any) -> int | PushError:
    try:
        return await sender.send(device, b'{"title":"Bridgework"}', **{"ttl": 60, **options})
    except PushError as error:
        return error


def test_every_push_carries_the_ttl_it_was_given_zero_included(push):
    phone = push.device()

    async def three(sender: WebPush) -> None:
        for ttl in (600, 0, 60):
            await sender.send(phone, b'{"title":"Bridgework"}', ttl=ttl, topic="daily")

    with_sender(three)
    assert push.refused == []  # VAPID token (aud with the port) and body checked
    assert [p.headers["ttl"] for p in push.pushes] == ["600", "0", "60"]
    assert {p.headers["topic"] for p in push.pushes} == {"daily"}
    assert push.messages() == [{"title": "Bridgework"}] * 3


def test_pushes_to_one_service_share_one_kept_connection(push):
    phones = [push.device() for _ in range(4)]

    async def one_by_one(sender: WebPush) -> list[Any]:
        return [await outcome(sender, phone) for phone in phones]

    assert with_sender(one_by_one) == [201] * 4
    assert push.connections == 1


def test_a_slow_push_service_never_holds_up_pushes_to_another():
    slow, fast = PushService(delay=2.0), PushService()
    try:
        waiting = [slow.device() for _ in range(120)]  # more than aiohttp's default pool
        phone = fast.device()

        async def both(sender: WebPush) -> tuple[float, list[Any]]:
            stuck = [asyncio.create_task(outcome(sender, d)) for d in waiting]
            await asyncio.sleep(0.3)  # all of them sent, waiting on the slow service
            started = time.monotonic()
            assert await outcome(sender, phone) == 201
            took = time.monotonic() - started
            assert not any(task.done() for task in stuck)
            return took, await asyncio.gather(*stuck)

        took, answers = with_sender(both)
        assert took < 1.0  # not behind the slow service's two seconds
        assert answers == [201] * 120
    finally:
        slow.close()
        fast.close()


def test_one_push_service_gets_at_most_per_host_connections():
    slow = PushService(delay=0.4)
    try:
        phones = [slow.device() for _ in range(12)]

        async def all_at_once(sender: WebPush) -> list[Any]:
            return list(await asyncio.gather(*(outcome(sender, p) for p in phones)))

        assert with_sender(all_at_once, per_host=4) == [201] * 12
        assert slow.most_open == 4  # the others waited for one of those four
    finally:
        slow.close()


@pytest.mark.parametrize(
    ("answer", "permanent", "gone", "retry_after"),
    [
        (Answer(404), True, True, None),
        (Answer(410), True, True, None),
        (Answer(413), True, False, None),
        (Answer(429, {"Retry-After": "7"}), False, False, 7.0),
        (Answer(503), False, False, None),
        (Answer(400), True, False, None),
    ],
)
def test_each_answer_comes_back_as_the_contract_says(push, answer, permanent, gone, retry_after):
    phone = push.device()
    push.answer(push.devices[phone.endpoint.rsplit("/", 1)[1]], answer)
    error = with_sender(lambda sender: outcome(sender, phone))
    assert isinstance(error, PushError)
    assert (error.status, error.permanent, error.gone) == (answer.status, permanent, gone)
    assert error.retry_after == retry_after


def test_no_answer_in_time_is_a_temporary_error(push):
    phone = push.device()
    push.answer(push.devices[phone.endpoint.rsplit("/", 1)[1]], Answer(delay=60))
    error = with_sender(lambda sender: outcome(sender, phone), timeout=0.3)
    assert isinstance(error, PushError) and not error.permanent
    assert "no answer within 0.3 s" in str(error)


def test_a_push_service_that_is_down_is_a_temporary_error(push):
    phone = push.device()
    push.close()
    error = with_sender(lambda sender: outcome(sender, phone))
    assert isinstance(error, PushError) and not error.permanent
    assert "could not connect to 127.0.0.1" in str(error)


def test_an_endpoint_that_is_not_a_url_is_refused_for_good(push):
    phone = push.device()
    broken = PushDevice("http://[::1/push/x", phone.p256dh, phone.auth)
    error = with_sender(lambda sender: outcome(sender, broken))
    assert isinstance(error, PushError) and error.permanent
    assert "endpoint is unusable" in str(error)
