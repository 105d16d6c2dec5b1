"""The README documents every setting and the two commands (datasette-style)."""

from __future__ import annotations

import dataclasses
import re

from server.settings import Settings
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text()


def _variables() -> list[str]:
    """The variable each settings field documents in its docstring."""
    source = (ROOT / "server" / "settings.py").read_text()
    return re.findall(r'"""`([A-Z_]+)`:', source)


def test_every_setting_has_a_docstring_naming_its_variable():
    assert len(_variables()) == len(dataclasses.fields(Settings))


def test_the_readme_documents_every_setting():
    missing = [name for name in _variables() if f"`{name}`" not in README]
    assert missing == []


def test_the_readme_quick_start_has_the_two_commands():
    assert "make run" in README
    assert "make test" in README


def test_the_ci_script_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()
