"""The SQLite engine stands on public ground: Piccolo's engine contract and the
standard library, no framework's private methods overridden, no driver's internals
read. (It once overrode Piccolo's `_run_in_*` and drove aiosqlite's `_execute`,
`_conn` and `_thread`, and an upgrade of either could have broken it silently.)
"""

from __future__ import annotations

import ast
import asyncio
import inspect
import shutil
from pathlib import Path

from piccolo.engine.base import BaseTransaction
from piccolo.engine.sqlite import SQLiteEngine

from server import db, sqlite, sqlite_writes
from server.sqlite import KeptConnectionsSQLiteEngine, KeptConnectionTransaction
from server.tables import Team
from tests.conftest import _bind, run

SOURCE = "\n".join(Path(m.__file__).read_text() for m in (sqlite, sqlite_writes))


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def test_the_engine_overrides_no_private_method_of_piccolos():
    for ours, theirs in (
        (KeptConnectionsSQLiteEngine, SQLiteEngine),
        (KeptConnectionTransaction, BaseTransaction),
    ):
        assert issubclass(ours, theirs)
        overridden = [
            name
            for name, value in vars(ours).items()
            if _private(name) and inspect.isfunction(value) and hasattr(theirs, name)
        ]
        assert overridden == [], f"{ours.__name__} overrides Piccolo's private {overridden}"


def test_the_engine_reads_only_private_names_it_defines_itself():
    tree = ast.parse(SOURCE)
    defined = {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    } | {
        target.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign | ast.AnnAssign)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Attribute)
    }
    read = {
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and _private(node.attr)
    }
    assert read <= defined, f"server/sqlite*.py read others' private names: {read - defined}"


def test_the_engine_imports_no_sqlite_driver_but_the_standard_librarys():
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(ast.parse(SOURCE))
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {
        (node.module or "").split(".")[0]
        for node in ast.walk(ast.parse(SOURCE))
        if isinstance(node, ast.ImportFrom)
    }
    assert "aiosqlite" not in imported
    assert "sqlite3" in imported


def test_a_piccolo_transaction_runs_on_a_kept_connection_and_is_undone_whole(
    sqlite_template: Path, tmp_path: Path
):
    """Piccolo's own queries reach the engine through run_querystring; inside a
    transaction they run on one kept connection, and a failure undoes all of it."""
    path = tmp_path / "contract.sqlite3"
    shutil.copy(sqlite_template, path)
    engine = db.engine_from_url(f"sqlite:///{path}")
    assert isinstance(engine, KeptConnectionsSQLiteEngine)
    _bind(engine)

    async def one_kept_then_one_undone() -> None:
        async with engine.transaction():
            await Team.insert(Team(name="Product"))
        try:
            async with engine.transaction():
                await Team.insert(Team(name="Platform"))
                raise RuntimeError("something went wrong mid-transaction")
        except RuntimeError:
            pass
        await asyncio.sleep(0)

    try:
        run(one_kept_then_one_undone())
        assert run(Team.select(Team.name).output(as_list=True)) == ["Product"]
        assert len(engine._idle) == 1  # the same connection served both, then was kept
    finally:
        run(engine.close_connections())
