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

import msgspec
from litestar import Request
from litestar.exceptions import ClientException, HTTPException, ValidationException
from litestar.params import PathParameter
from litestar.status_codes import HTTP_415_UNSUPPORTED_MEDIA_TYPE
from msgspec import Meta

from server.web import provide_user

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
_MISSING = re.compile(r"Object missing required field `([^`]*)`")


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
    await _signed_in_first(request)
    media = _media_type(request)
    if media != "application/json" and not media.endswith("+json"):
        raise UnsupportedMediaType("Send the body as JSON, with Content-Type: application/json.")
    # Counting brackets first keeps the usual small body to one fast pass.
    if body.count(b"[") + body.count(b"{") > MAX_JSON_DEPTH and (json_depth(body) > MAX_JSON_DEPTH):
        raise ClientException(f"The JSON body nests more than {MAX_JSON_DEPTH} levels deep.")
    _check_types(request, body)


async def _signed_in_first(request: Request[Any, Any, Any]) -> None:
    """Someone signed out hears 401 whatever they sent, as before the body was looked at."""
    if "user" in request.route_handler.parsed_fn_signature.parameters:
        await provide_user(request)


def _check_types(request: Request[Any, Any, Any], body: bytes) -> None:
    """The body has exactly the types the schema states.

    Litestar converts leniently, as query strings need ("0" to 0, 0 to false); a
    JSON body has its own types, and a client that sends the wrong one should hear so.
    """
    field = request.route_handler.parsed_fn_signature.parameters.get("data")
    if field is None:
        return
    try:
        msgspec.json.decode(body, type=field.annotation, strict=True)
    except msgspec.ValidationError as error:
        message, _, where = str(error).partition(" - at `$")
        key = where.rstrip("`").lstrip(".")
        missing = _MISSING.match(message)
        if missing:  # name the field itself, not the object around it
            key = f"{key}.{missing[1]}" if key else missing[1]
            message = "This field is required."
        raise ValidationException(
            f"Validation failed for {request.method} {request.url.path}",
            extra=[{"message": message, "key": key, "source": "body"}],
        ) from None
    except msgspec.DecodeError:
        raise ClientException("The body is not valid JSON.") from None


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
