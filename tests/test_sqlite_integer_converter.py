"""SQLite's INTEGER columns are read by a converter faster than Piccolo's that gives the
same answer for every value (server/sqlite.py `integer_out`)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from piccolo.engine.sqlite import convert_int_out

from server.sqlite import integer_out


def _outcome(convert: object, value: bytes) -> object:
    try:
        return ("value", convert(value))  # type: ignore[operator]
    except Exception as error:  # the kind of failure is the answer
        return ("error", type(error))


@given(st.integers(min_value=-(10**30), max_value=10**30))
def test_every_integer_reads_back_as_itself(number: int) -> None:
    assert integer_out(str(number).encode()) == number == convert_int_out(str(number).encode())


@given(
    st.one_of(
        st.text(),
        st.floats(allow_nan=True, allow_infinity=True).map(str),
        st.decimals(allow_nan=True).map(str),
        st.from_regex(r"\s*[+-]?[0-9_]{1,12}(\.[0-9]*)?([eE][+-]?[0-9]{1,3})?\s*", fullmatch=True),
    )
)
def test_any_text_in_an_integer_column_reads_as_piccolo_reads_it(text: str) -> None:
    value = text.encode()
    assert _outcome(integer_out, value) == _outcome(convert_int_out, value)


def test_an_integer_column_holding_a_fraction_reads_as_piccolo_reads_it(tmp_path: Path) -> None:
    # SQLite keeps 1.5 in an INTEGER column as a REAL: the converter gets "1.5".
    connection = sqlite3.connect(tmp_path / "t.sqlite3", detect_types=sqlite3.PARSE_DECLTYPES)
    connection.execute("CREATE TABLE plank (days INTEGER)")
    connection.executemany("INSERT INTO plank VALUES (?)", [(7,), (1.5,), (-3,)])
    assert [row[0] for row in connection.execute("SELECT days FROM plank")] == [7, 1, -3]
