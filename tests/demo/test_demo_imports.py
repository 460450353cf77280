"""The demo generator stands outside the register and uses only its public API."""

from __future__ import annotations

import ast
from pathlib import Path

import desktop.demo

DEMO = Path(desktop.demo.__file__).parent
# The register's storage and write machinery: the demo goes through Register instead.
INTERNAL = ("db", "models", "projection", "events", "syncstore", "writer", "queries", "migrate",
            "check", "peek", "backup", "ui_support")


def _register_imports() -> list[tuple[str, str, str]]:
    found = []
    for path in sorted(DEMO.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("desktop.reg"):
                found += [(path.name, node.module or "", a.name) for a in node.names]
            elif isinstance(node, ast.Import):
                found += [(path.name, a.name, "") for a in node.names
                          if a.name.startswith("desktop.register")]
    return found


def test_the_demo_lives_outside_the_register_package() -> None:
    assert not (DEMO.parent / "register" / "demo.py").exists()
    assert all(len(p.read_text(encoding="utf-8").splitlines()) <= 700 for p in DEMO.glob("*.py"))


def test_the_demo_imports_no_private_helper_nor_internal_module_of_the_register() -> None:
    imports = _register_imports()
    assert imports, "the demo imports nothing from the register?"
    assert [i for i in imports if i[2].startswith("_")] == []
    assert [i for i in imports if i[1].split(".")[2:3] and i[1].split(".")[2] in INTERNAL] == []
    assert ("runner.py", "desktop.register.service", "Register") in imports
    assert {name for _, module, name in imports if module == "desktop.register.service"} == {
        "Register"}
