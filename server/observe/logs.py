"""Log lines: one JSON object a line in production, readable text in development.

The standard library's logging, not structlog: every library here (uvicorn, asyncpg,
Piccolo) already logs through it, so one formatter on the root handler turns all of
their lines into JSON too, with nothing new to install. Each line a request causes
carries its request id, read from a context variable the request's wrapper sets.

Never log what a person wrote: messages name ids, routes and counts only.
"""

from __future__ import annotations

import json
import logging
import sys
import traceback
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import IO, Any

FORMATS = ("json", "plain")

request_id: ContextVar[str] = ContextVar("request_id", default="")

# What every LogRecord has; anything else was passed in `extra=` and is a field.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}
_STANDARD |= {"color_message"}  # uvicorn's message with terminal colours: the same again


class JsonFormatter(logging.Formatter):
    """A record as one line of JSON: time, level, logger, message, request id, fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,
        }
        if rid := getattr(record, "request_id", "") or request_id.get():
            line["request_id"] = rid
        for key, value in record.__dict__.items():
            if key not in _STANDARD and key != "request_id":
                line[key] = value
        if record.exc_info:
            line["error"] = repr(record.exc_info[1])
            line["traceback"] = "".join(traceback.format_exception(*record.exc_info))
        return json.dumps(line, default=str, ensure_ascii=False)


class PlainFormatter(logging.Formatter):
    """Development: `12:04:05 INFO server.x [request id] message`, tracebacks as usual."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s%(rid)s %(message)s", "%H:%M:%S")

    def format(self, record: logging.LogRecord) -> str:
        rid = getattr(record, "request_id", "") or request_id.get()
        record.rid = f" [{rid}]" if rid else ""
        return super().format(record)


class _Ours(logging.StreamHandler):
    """The handler `configure` installs, so a second call replaces it instead of adding."""


def configure(
    log_format: str, stream: IO[str] | None = None, level: int = logging.INFO
) -> logging.Handler:
    """Send every logger's lines to `stream` (stderr) in `log_format` (json or plain)."""
    handler = _Ours(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json" else PlainFormatter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _Ours)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # uvicorn's own lines go through the root handler too; its access log is replaced by
    # the request line (server/observe/requests.py), which knows the route and the person.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").disabled = True
    return handler
