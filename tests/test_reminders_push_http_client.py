"""The push sender's own HTTP/1.1 client reads every answer shape a push service may
give — Content-Length, chunked, to the end of the connection, after a 100 Continue,
in pieces — keeps connections alive, retries a request a kept-alive connection
dropped unread, and gives up in time when no answer comes."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from server.reminders.http import HttpClient, HttpError, parse_response

Script = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


async def read_request(reader: asyncio.StreamReader) -> bytes:
    head = await reader.readuntil(b"\r\n\r\n")
    length = next(
        int(line.split(b":")[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    return head + await reader.readexactly(length)


def post_to(script: Script, *, posts: int = 1, timeout: float = 5.0) -> tuple[list, int]:
    """POST `posts` times to a loopback server running `script` per connection;
    returns each answer (or the error) and how many connections were made."""
    connections = 0

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        try:
            await script(reader, writer)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def main() -> list:
        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        client = HttpClient(timeout=timeout)
        answers: list = []
        try:
            for _ in range(posts):
                try:
                    answers.append(
                        await client.post(f"http://127.0.0.1:{port}/push/x", {"TTL": "60"}, b"hi")
                    )
                except HttpError as error:
                    answers.append(error)
        finally:
            await client.aclose()
            server.close()
        return answers

    return asyncio.run(main()), connections


def answering(*answers: bytes, then_close: bool = False) -> Script:
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for answer in answers:
            await read_request(reader)
            writer.write(answer)
            await writer.drain()
        if then_close:
            return
        await reader.read()  # keep the connection open until the client closes it

    return script


def test_it_reads_a_content_length_answer_and_keeps_the_connection():
    ok = b"HTTP/1.1 201 Created\r\nLocation: /m/1\r\nContent-Length: 0\r\n\r\n"
    answers, connections = post_to(answering(ok, ok, ok), posts=3)
    assert [a.status for a in answers] == [201, 201, 201]
    assert answers[0].headers["location"] == "/m/1"
    assert connections == 1


def test_it_reads_a_chunked_answer_with_trailers():
    chunked = (
        b"HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"4\r\nbad \r\n7;x=y\r\nrequest\r\n0\r\nX-Trailer: 1\r\n\r\n"
    )
    answers, _ = post_to(answering(chunked, chunked), posts=2)
    assert [(a.status, a.body) for a in answers] == [(400, b"bad request")] * 2


def test_it_reads_an_answer_that_ends_with_the_connection_then_opens_another():
    until_close = b"HTTP/1.1 500 Oops\r\n\r\nsomething broke"
    answers, connections = post_to(answering(until_close, then_close=True), posts=2)
    assert [(a.status, a.body) for a in answers] == [(500, b"something broke")] * 2
    assert connections == 2


def test_it_skips_a_100_continue_before_the_answer():
    answers, _ = post_to(
        answering(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 202 OK\r\nContent-Length: 0\r\n\r\n")
    )
    assert answers[0].status == 202


def test_it_reads_an_answer_that_arrives_in_pieces():
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        for piece in (
            b"HTTP/1.1 429 Too Many",
            b" Requests\r\nRetry-After: 7\r",
            b"\nContent-Length: 0\r\n\r\n",
        ):
            writer.write(piece)
            await writer.drain()
            await asyncio.sleep(0.05)
        await reader.read()

    answers, _ = post_to(script)
    assert answers[0].status == 429
    assert answers[0].headers["retry-after"] == "7"


def test_it_sends_again_on_a_new_connection_when_a_kept_one_closed_unread():
    ok = b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"
    # Each connection answers one request, then closes without reading the next one,
    # as a push service's idle time-out does.
    answers, connections = post_to(answering(ok, then_close=True), posts=3)
    assert [a.status for a in answers] == [201, 201, 201]
    assert connections == 3


def test_it_gives_up_when_no_answer_comes_in_time():
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        await asyncio.sleep(5)

    answers, _ = post_to(silent, timeout=0.3)
    assert isinstance(answers[0], HttpError)
    assert "no answer within 0.3 s" in str(answers[0])


def test_it_refuses_an_answer_that_is_not_http():
    answers, _ = post_to(answering(b"SSH-2.0-OpenSSH_9.6\r\n\r\n"))
    assert isinstance(answers[0], HttpError)


def test_a_closed_port_is_an_error_not_a_crash():
    async def main() -> Exception | None:
        server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        server.close()
        await server.wait_closed()
        client = HttpClient(timeout=2)
        try:
            await client.post(f"http://127.0.0.1:{port}/push/x", {}, b"")
        except HttpError as error:
            return error
        finally:
            await client.aclose()
        return None

    assert "could not connect" in str(asyncio.run(main()))


@pytest.mark.parametrize(
    "data",
    [
        b"HTTP/1.1 201 Created\r\nContent-Le",
        b"HTTP/1.1 201 Created\r\nContent-Length: 5\r\n\r\nabc",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n",
    ],
)
def test_an_answer_still_arriving_is_not_read_yet(data):
    assert parse_response(data, eof=False) is None


def test_an_answer_larger_than_a_push_service_sends_is_refused():
    with pytest.raises(ValueError, match="too long"):
        parse_response(b"HTTP/1.1 200 OK\r\nContent-Length: 999999\r\n\r\n", eof=False)
