"""The README documents every setting and every command (datasette-style), by name."""

from __future__ import annotations

import dataclasses
import re

import pytest

from server.cli import main
from server.settings import Settings, documented
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text()


def test_every_setting_has_a_docstring_naming_its_variable():
    fields = {field.name for field in dataclasses.fields(Settings)}
    assert set(documented()) == fields


def test_every_documented_variable_is_the_one_the_settings_read():
    source = (ROOT / "server" / "settings.py").read_text()
    unread = [name for name in documented().values() if f'"{name}"' not in source]
    assert unread == []


def test_the_readme_settings_table_has_exactly_the_settings():
    rows = re.findall(r"^\| `([A-Z_]+)` \|", README, flags=re.MULTILINE)
    assert sorted(rows) == sorted(documented().values())


def test_the_readme_describes_every_command(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    listed = re.search(r"\{([a-z,-]+)\}", capsys.readouterr().out)
    assert listed is not None
    missing = [c for c in listed.group(1).split(",") if f"bridgework {c}" not in README]
    assert missing == []


def test_the_readme_quick_start_has_the_two_commands():
    assert "make run" in README
    assert "make test" in README


def test_the_ci_script_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()
