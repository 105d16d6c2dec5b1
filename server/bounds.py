"""What the app accepts from outside, checked once at the edge before anything parses it.

An id past what its column holds reached SQLite or asyncpg and crashed the
request, so ids are typed with their limits here, and the OpenAPI schema says
so too. A body is looked at before it is decoded: its content type
must be the one the route reads (415 otherwise), a JSON body may nest only so
deep (msgspec recurses and a 2 KB body of brackets raised RecursionError), and a
form must be UTF-8.
"""

from __future__ import annotations

import re
from typing import Annotated, Any
from urllib.parse import unquote_to_bytes

from litestar import Request
from litestar.exceptions import ClientException, HTTPException
from litestar.params import PathParameter
from litestar.status_codes import HTTP_415_UNSUPPORTED_MEDIA_TYPE
from msgspec import Meta

# Ids are SERIAL columns: PostgreSQL holds at most this (SQLite up to 2**63 - 1).
ID_MAX = 2**31 - 1

# An id in a path: one that cannot exist answers 404, like any unknown id.
PathId = Annotated[int, PathParameter(ge=1, le=ID_MAX)]

# An id in a JSON body: out of range is a 400 naming the field.
Id = Annotated[int, Meta(ge=1, le=ID_MAX)]

# Deep enough for any body the API takes (the deepest is two levels); far below
# the interpreter's recursion limit.
MAX_JSON_DEPTH = 32

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_JSON_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)


def to_id(value: object) -> int:
    """An id typed into a form, as int; ValueError if it is not one a database can hold."""
    number = int(str(value))
    if not -ID_MAX - 1 <= number <= ID_MAX:
        raise ValueError("out of range")
    return number


class UnsupportedMediaType(HTTPException):
    status_code = HTTP_415_UNSUPPORTED_MEDIA_TYPE


def json_depth(body: bytes) -> int:
    """How deeply arrays and objects nest in a JSON text (strings skipped)."""
    depth = deepest = 0
    for byte in _JSON_STRINGS.sub(b'""', body):
        if byte in b"[{":
            depth += 1
            deepest = max(deepest, depth)
        elif byte in b"]}":
            depth -= 1
    return deepest


def _media_type(request: Request[Any, Any, Any]) -> str:
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


async def check_json_body(request: Request[Any, Any, Any]) -> None:
    """Before an API handler: a body must be JSON, nest at most MAX_JSON_DEPTH deep."""
    if request.method not in _BODY_METHODS:
        return
    body = await request.body()
    if not body:
        return
    media = _media_type(request)
    if media != "application/json" and not media.endswith("+json"):
        raise UnsupportedMediaType("Send the body as JSON, with Content-Type: application/json.")
    # Counting brackets first keeps the usual small body to one fast pass.
    if body.count(b"[") + body.count(b"{") > MAX_JSON_DEPTH and (json_depth(body) > MAX_JSON_DEPTH):
        raise ClientException(f"The JSON body nests more than {MAX_JSON_DEPTH} levels deep.")


async def check_form_body(request: Request[Any, Any, Any]) -> None:
    """Before a page's handler: a posted body must be a form, in UTF-8."""
    if request.method not in _BODY_METHODS:
        return
    body = await request.body()
    if not body:
        return
    media = _media_type(request)
    if media not in _FORM_TYPES:
        raise UnsupportedMediaType("Send the form as application/x-www-form-urlencoded.")
    if media == _FORM_TYPES[0]:
        try:
            unquote_to_bytes(body.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError:
            raise ClientException("The form is not valid UTF-8.") from None
