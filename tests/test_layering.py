"""The packages' dependencies point one way: the handlers use the domains (``kb``,
``tracking``, ``reminders``), which use ``storage`` and ``common``; the shell
(``bot``) wires them together.

Read from the source with ``ast``, every import counts: at the top of a module,
inside a function (a deferred import is how a loop between packages hides) and
under ``if TYPE_CHECKING``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The project's own top-level packages (an import of anything else is a library's).
PROJECT = frozenset(
    {"bot", "handlers", "kb", "tracking", "reminders", "storage", "common", "texts", "devtools", "tests", "bench"}
)
DOMAINS = ("kb", "tracking", "reminders")
SHELL_AND_ABOVE = frozenset({"bot", "handlers", "devtools", "tests", "bench"})

# All that storage and common may import of the project.
ALLOWED: dict[str, frozenset[str]] = {
    "common": frozenset({"common"}),
    "storage": frozenset({"storage", "common"}),
}


def imported_packages(path: Path, package: str) -> dict[str, list[int]]:
    """The project packages ``path`` imports, with the lines importing them."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: dict[str, list[int]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [package] if node.level else [node.module or ""]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top in PROJECT:
                found.setdefault(top, []).append(node.lineno)
    return found


def modules(package: str) -> list[Path]:
    return sorted(path for path in (ROOT / package).rglob("*.py") if "__pycache__" not in path.parts)


def offences(package: str, forbidden: frozenset[str] | None = None) -> list[str]:
    allowed = ALLOWED.get(package)
    found = []
    for path in modules(package):
        for top, lines in imported_packages(path, package).items():
            if (allowed is not None and top not in allowed) or (forbidden is not None and top in forbidden):
                found += [f"{path.relative_to(ROOT)}:{line} imports {top}" for line in lines]
    return found


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_storage_and_common_import_nothing_above_them(package: str) -> None:
    assert modules(package), f"no modules found in {package}/"
    assert offences(package) == []


@pytest.mark.parametrize("package", DOMAINS)
def test_domains_do_not_import_the_shell_or_the_handlers(package: str) -> None:
    assert modules(package), f"no modules found in {package}/"
    assert offences(package, SHELL_AND_ABOVE) == []


def test_the_rules_see_every_kind_of_import(tmp_path: Path) -> None:
    """A deferred import, one under TYPE_CHECKING and a relative one are all seen."""
    source = tmp_path / "sample.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "import json\n"
        "if TYPE_CHECKING:\n"
        "    from bot.workers import Exports\n"
        "def f():\n"
        "    import handlers.tasks\n"
        "    from . import sibling\n"
        "    from storage.models import Task\n",
        encoding="utf-8",
    )
    assert imported_packages(source, "reminders") == {"bot": [4], "handlers": [6], "reminders": [7], "storage": [8]}
