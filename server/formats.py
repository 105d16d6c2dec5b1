"""Dates and times as the reader writes them: one format per kind, from their locale.

Bridgework speaks English, but a person in New York reads "Sunday, December 6" and
"8:30 AM" where one in London reads "Sunday 6 December" and "08:30". The words stay
English; the order, the commas and the clock follow the region of the person's
browser (Accept-Language), through CLDR's English for that region (en_US, en_GB,
en_IN, en_DE, ...). Without a region we can place, British English, the app's own.

Every screen formats a day or a time through one of these kinds, never strftime:

- `day`       a day in a sentence:        "Sunday 6 December" / "Sunday, December 6"
- `short_day` a day in a list or a label: "Sun 6 Dec" / "Sun, Dec 6"
- `days`      a run of days (pauses):      "6 - 8 Dec" / "Dec 6 - 8", one day "6 Dec" / "Dec 6"
- `full_date` a date far off, with year:   "6 December 2026" / "December 6, 2026"
- `time_of_day` a wall-clock time:         "08:30" / "8:30 AM"
- `weekday`   a day of the last week:      "Monday"

The locale of the request being served sits in a context variable (set by
web.Localised around every request), so the domain's sentences and the templates'
filters read the same one without passing it through every call. Outside a request
(tests of pure functions) it is the default; the reminder dispatcher, which has no
request, writes to each person in the locale stored on them (`person.locale`, kept up
to date by the pages they open) through `using`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, time
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.dates import format_date, format_interval, format_time

DEFAULT = "en_GB"

locale: ContextVar[str] = ContextVar("locale", default=DEFAULT)
# The locale the request's Accept-Language asked for, "" when it sent none: what a
# signed-in person's stored locale follows (server/accounts.remember_locale), so a
# client that names no language (a script, a health check) changes nothing.
asked: ContextVar[str] = ContextVar("asked", default="")

_TAG = re.compile(r"^([A-Za-z]{1,8})(?:[-_]([A-Za-z0-9]{1,8}))*$")


@lru_cache(maxsize=512)
def from_accept_language(header: str) -> str:
    """The English locale for the first language in `header` whose region CLDR knows.

    "en-US,en;q=0.9" → en_US; "de-DE" → en_DE (English as written in Germany);
    "en" alone, "*" or nothing we can place → the default.
    """
    tags: list[tuple[float, int, str]] = []
    for n, part in enumerate(header.split(",")[:12]):  # a header is not a place to loop
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        q = params.strip()
        if q.startswith("q="):
            try:
                quality = float(q[2:])
            except ValueError:
                quality = 0.0
        if tag and quality > 0:
            tags.append((-quality, n, tag.strip()))
    for _, _, tag in sorted(tags):
        region = _region(tag)
        if region and _known(f"en_{region}"):
            return f"en_{region}"
    return DEFAULT


def _region(tag: str) -> str | None:
    if not _TAG.match(tag):
        return None
    try:
        parsed = Locale.parse(tag.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return None
    if parsed.territory:
        return parsed.territory
    if parsed.language == "en":
        return None  # plain "en" says nothing about where: keep the default
    # "de" alone: the region its speakers most likely live in (CLDR likely subtags).
    likely = str(get_global("likely_subtags").get(parsed.language, ""))
    return likely.rsplit("_", 1)[-1] if "_" in likely else None


@lru_cache(maxsize=256)
def _known(name: str) -> bool:
    try:
        Locale.parse(name)
    except (ValueError, UnknownLocaleError):
        return False
    return True


@contextmanager
def using(name: str) -> Iterator[None]:
    """Format as `name` (an en_XX locale) inside the block."""
    token = locale.set(name)
    try:
        yield
    finally:
        locale.reset(token)


@contextmanager
def for_request(header: str) -> Iterator[None]:
    """Format as the request's Accept-Language `header` asks inside the block."""
    name = from_accept_language(header)
    token = asked.set(name if header.strip() else "")
    try:
        with using(name):
            yield
    finally:
        asked.reset(token)


def stored(name: str) -> str:
    """The locale to write to a person in, from the one stored on them ("" for none)."""
    return name if name and _known(name) else DEFAULT


@lru_cache(maxsize=64)
def _pattern(name: str, kind: str) -> str:
    """The CLDR pattern for a kind: the locale's own skeleton, with weekdays spelt out
    in full for `day` (CLDR has no "full weekday, day, month" skeleton in every locale)."""
    skeletons = Locale.parse(name).datetime_skeletons
    if kind == "day":
        return re.sub(r"(?<!E)E(?!E)", "EEEE", str(skeletons["MMMMEd"]))
    return str(skeletons["MMMEd"])


# Today lists dozens of dated rows: each (locale, kind, value) is formatted once.
@lru_cache(maxsize=4096)
def _format(name: str, kind: str, value: date | time) -> str:
    if kind == "time":
        assert isinstance(value, time)
        return format_time(value, "short", locale=name)
    assert isinstance(value, date)
    if kind == "full":
        return format_date(value, "long", locale=name)
    if kind == "weekday":
        return format_date(value, "EEEE", locale=name)
    return format_date(value, _pattern(name, kind), locale=name)


def _as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def day(value: date | datetime) -> str:
    """A day in a sentence: "Sunday 6 December" (en_GB), "Sunday, December 6" (en_US)."""
    return _format(locale.get(), "day", _as_date(value))


def short_day(value: date | datetime) -> str:
    """A day in a list or a label: "Sun 6 Dec" (en_GB), "Sun, Dec 6" (en_US)."""
    return _format(locale.get(), "short", _as_date(value))


def full_date(value: date | datetime) -> str:
    """A date that may be far off, with its year: "6 December 2026", "December 6, 2026"."""
    return _format(locale.get(), "full", _as_date(value))


def weekday(value: date | datetime) -> str:
    """The day of the week, for a day less than a week away: "Monday"."""
    return _format(locale.get(), "weekday", _as_date(value))


def time_of_day(value: time | datetime) -> str:
    """A wall-clock time: "08:30" (en_GB), "8:30 AM" (en_US)."""
    plain = value.time() if isinstance(value, datetime) else value
    return _format(locale.get(), "time", plain.replace(second=0, microsecond=0))


def days(first: date, last: date) -> str:
    """A run of days: "6 - 8 Dec" (en_GB), "Dec 6 - 8" (en_US); "6 Dec" for one day."""
    return _interval(locale.get(), first, last)


@lru_cache(maxsize=512)
def _interval(name: str, first: date, last: date) -> str:
    # Days and month only: a run is read as a whole, and CLDR shares its month
    # ("6 - 8 Dec") where weekdays would double its length.
    if first == last:
        return format_date(first, str(Locale.parse(name).datetime_skeletons["MMMd"]), locale=name)
    return str(format_interval(first, last, "MMMd", locale=name))


# The Jinja filters: {{ d | day }}, {{ t | time_of_day }}, {{ a | days(b) }}.
FILTERS = {
    "day": day,
    "short_day": short_day,
    "full_date": full_date,
    "weekday": weekday,
    "time_of_day": time_of_day,
    "days": days,
}
