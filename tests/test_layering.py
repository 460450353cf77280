"""The architecture's arrows point down only: a test walks every import and fails on a wrong one.

Each rule names the files it governs and the modules they may not import. Every rule is also
proved to bite: the same check runs on a temporary copy of the tree with a wrong import planted
in one of the governed files, and must report it.
"""

from __future__ import annotations

import ast
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = ("desktop", "sync", "forms", "reports", "resources")


def _module_of(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, root: Path = ROOT) -> set[str]:
    """Every module `path` imports, relative imports resolved against its package."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = _module_of(path, root).split(".") if path.is_relative_to(root) else []
    if path.name != "__init__.py":
        package = package[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - node.level + 1]
                found.add(".".join([*base, *([node.module] if node.module else [])]))
            elif node.module:
                found.add(node.module)
    return found


def _matches(name: str, forbidden: tuple[str, ...]) -> bool:
    return any(name == f or name.startswith(f + ".") for f in forbidden)


@dataclass(frozen=True)
class Rule:
    """Files under `folders` (minus `except_`) must not import any of `forbidden`."""

    name: str
    folders: tuple[str, ...]
    forbidden: tuple[str, ...]
    except_: Callable[[Path], bool] = lambda rel: False

    def files(self, root: Path) -> list[Path]:
        found = []
        for folder in self.folders:
            base = root / folder
            candidates = [base] if base.suffix == ".py" else sorted(base.rglob("*.py"))
            found += [p for p in candidates if p.exists()
                      and not self.except_(p.relative_to(root))]
        return found

    def offenders(self, root: Path) -> list[str]:
        return [f"{p.relative_to(root)} imports {name}"
                for p in self.files(root) for name in sorted(imports_of(p, root))
                if _matches(name, self.forbidden)]


def _ui_or_app(rel: Path) -> bool:
    return rel.parts[:2] == ("desktop", "ui") or rel.as_posix() == "desktop/app.py"


RULES = (
    Rule("the core never imports Qt", ("desktop/register", "forms", "sync", "reports",
                                       "resources"), ("PyQt6",)),
    Rule("Qt only in desktop/ui and desktop/app.py", ("desktop",), ("PyQt6",), _ui_or_app),
    Rule("forms, sync and reports never import desktop", ("forms", "sync", "reports"),
         ("desktop",)),
    Rule("forms never import SQLAlchemy", ("forms",), ("sqlalchemy",)),
    Rule("the register never imports what stands above it", ("desktop/register",),
         ("desktop.ui", "desktop.app", "desktop.cli", "desktop.printing", "desktop.reporting",
          "desktop.demo", "forms", "sync.client", "sync.server")),
    Rule("the shared floor imports nothing above it",
         ("sync/errors.py", "sync/protocol.py", "sync/lifecycle.py"),
         ("desktop", "forms", "reports", "sync.client", "sync.server", "sync.credentials")),
    Rule("the client and the server share only the protocol", ("sync/server",),
         ("sync.client", "sync.credentials")),
    Rule("reports never import the sync client or server", ("reports",),
         ("sync.client", "sync.server")),
    Rule("no product module imports the tests", PRODUCT, ("tests",)),
)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.name)
def test_every_import_points_the_way_its_rule_allows(rule: Rule) -> None:
    assert rule.files(ROOT), f"{rule.name}: governs no file (a folder was renamed?)"
    assert rule.offenders(ROOT) == []


def _planted_copy(tmp_path: Path, rule: Rule) -> tuple[Path, Path]:
    """A copy of the product tree, and the governed file to plant a wrong import in."""
    copy = tmp_path / "tree"
    for top in PRODUCT:
        if (ROOT / top).exists():
            shutil.copytree(ROOT / top, copy / top,
                            ignore=shutil.ignore_patterns("__pycache__", "*.ttf", "*.json"))
    target = rule.files(copy)[0]
    return copy, target


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.name)
@pytest.mark.parametrize("style", ["absolute", "from"])
def test_each_rule_refuses_a_planted_import(tmp_path: Path, rule: Rule, style: str) -> None:
    copy, target = _planted_copy(tmp_path, rule)
    assert rule.offenders(copy) == []
    module = rule.forbidden[-1]
    line = f"import {module}\n" if style == "absolute" else f"from {module} import x\n"
    target.write_text(target.read_text(encoding="utf-8") + line, encoding="utf-8")
    assert rule.offenders(copy) == [f"{target.relative_to(copy)} imports {module}"]


def test_the_register_planted_with_the_sync_client_is_refused(tmp_path: Path) -> None:
    rule = next(r for r in RULES if r.name.startswith("the register"))
    copy, _ = _planted_copy(tmp_path, rule)
    service = copy / "desktop" / "register" / "service.py"
    service.write_text(service.read_text(encoding="utf-8")
                       + "from sync.client import SyncEngine\n", encoding="utf-8")
    assert rule.offenders(copy) == ["desktop/register/service.py imports sync.client"]


def test_relative_imports_are_resolved(tmp_path: Path) -> None:
    pkg = tmp_path / "desktop" / "register"
    pkg.mkdir(parents=True)
    sample = pkg / "bad.py"
    sample.write_text("from ..ui import widgets\nfrom . import db\nimport PyQt6.QtWidgets\n")
    assert imports_of(sample, tmp_path) == {"desktop.ui", "desktop.register", "PyQt6.QtWidgets"}
