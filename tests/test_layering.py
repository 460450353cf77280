"""The architecture's arrows point down only: a test walks every import and fails on a wrong one."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def python_files(*folders: str) -> list[Path]:
    return [p for folder in folders for p in sorted((ROOT / folder).rglob("*.py"))]


def offenders(files: list[Path], forbidden: tuple[str, ...]) -> list[str]:
    bad = []
    for path in files:
        for name in imports_of(path):
            if name.split(".")[0] in forbidden or name in forbidden:
                bad.append(f"{path.relative_to(ROOT)} imports {name}")
    return bad


@pytest.mark.parametrize("folder", ["desktop/register", "forms", "sync", "resources"])
def test_core_layers_never_import_qt(folder: str) -> None:
    assert offenders(python_files(folder), ("PyQt6",)) == []


@pytest.mark.parametrize("folder", ["forms", "sync"])
def test_forms_and_sync_never_import_desktop(folder: str) -> None:
    assert offenders(python_files(folder), ("desktop",)) == []


def test_forms_never_import_sqlalchemy() -> None:
    assert offenders(python_files("forms"), ("sqlalchemy",)) == []


def test_qt_is_imported_only_by_the_ui_and_the_app() -> None:
    desktop_files = [p for p in python_files("desktop")
                     if "ui" not in p.relative_to(ROOT / "desktop").parts[:1]
                     and p.name != "app.py"]
    assert offenders(desktop_files, ("PyQt6",)) == []


def test_the_register_never_imports_the_ui_or_sync_client() -> None:
    bad = [o for o in offenders(python_files("desktop/register"), ("desktop",))
           if ".ui" in o or "desktop.app" in o or "desktop.cli" in o]
    assert bad == []
    assert offenders(python_files("desktop/register"), ("forms",)) == []


def test_the_walker_sees_a_wrong_arrow(tmp_path: Path) -> None:
    sample = tmp_path / "bad.py"
    sample.write_text("from PyQt6.QtWidgets import QWidget\nimport desktop.ui\n")
    assert imports_of(sample) == {"PyQt6.QtWidgets", "desktop.ui"}
