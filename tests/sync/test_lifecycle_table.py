"""The lifecycle is one table: no product module spells a status number or a dossier event kind.

`sync/lifecycle.py` is the only place where the national status codes (1–10) and the
dossier event kinds ("dossier.received", ...) are written out; everything else reads
`Status`, `Kind` and the sets built from them. This test parses every product module with
`ast` and fails on a bare status comparison, assignment, argument or dict value, and on a
string that names a dossier event kind; it proves itself by planting each in a copy.
"""

from __future__ import annotations

import ast
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from sync.lifecycle import DOSSIER_KINDS, Status

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("desktop", "sync", "forms", "reports")
THE_TABLE = Path("sync/lifecycle.py")
# Frozen history: a migration writes the codes of its day on purpose.
SKIPPED_PARTS = {"migrations"}
STATUS_NAME = re.compile(r"(^|_)status(es)?$")
KIND_TEXT = re.compile(r"dossier\.[a-z_]+")
CODES = {int(s) for s in Status}


def _is_status(node: ast.AST) -> bool:
    """An expression naming a dossier status: `status`, `x.status`, `row["status"]`, ..."""
    if isinstance(node, ast.Name):
        return bool(STATUS_NAME.search(node.id))
    if isinstance(node, ast.Attribute):
        return bool(STATUS_NAME.search(node.attr))
    if isinstance(node, ast.Subscript):
        key = node.slice
        return isinstance(key, ast.Constant) and isinstance(key.value, str) and \
            bool(STATUS_NAME.search(key.value))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
            node.func.id == "int" and node.args:
        return _is_status(node.args[0])
    return False


def _bare_codes(node: ast.AST | None) -> bool:
    """A status code written as a number: 5, (1, 2, 4), [9, 10], {2}."""
    if isinstance(node, ast.Constant):
        return type(node.value) is int and node.value in CODES
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return bool(node.elts) and all(_bare_codes(e) for e in node.elts)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
            node.func.id in ("frozenset", "set", "tuple") and len(node.args) == 1:
        return _bare_codes(node.args[0])
    return False


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def findings(source: str, name: str) -> list[str]:
    """What in `source` spells a status number or a dossier event kind outside the table."""
    tree = ast.parse(source, name)
    docs = _docstrings(tree)
    out: list[str] = []

    def flag(node: ast.AST, what: str) -> None:
        out.append(f"{name}:{getattr(node, 'lineno', '?')}: {what}")

    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(_is_status(s) for s in sides) and any(_bare_codes(s) for s in sides):
                flag(node, "status compared with a bare number")
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(_is_status(t) for t in targets) and _bare_codes(node.value):
                flag(node, "status set to a bare number")
        elif isinstance(node, ast.keyword):
            if node.arg and STATUS_NAME.search(node.arg) and _bare_codes(node.value):
                flag(node.value, f"{node.arg}= a bare status number")
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and isinstance(key.value, str) and \
                        STATUS_NAME.search(key.value) and _bare_codes(value):
                    flag(value, f"{key.value!r}: a bare status number")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and \
                id(node) not in docs:
            named = [k for k in KIND_TEXT.findall(node.value) if k in DOSSIER_KINDS]
            if named:
                flag(node, f"event kind spelled out: {', '.join(named)}")
    return out


def product_modules(root: Path) -> Iterator[Path]:
    for package in PRODUCT:
        for path in sorted((root / package).rglob("*.py")):
            relative = path.relative_to(root)
            if relative == THE_TABLE or SKIPPED_PARTS & set(relative.parts):
                continue
            yield path


def scan(root: Path) -> list[str]:
    out: list[str] = []
    for path in product_modules(root):
        out += findings(path.read_text(encoding="utf-8"), str(path.relative_to(root)))
    return out


def test_no_product_module_spells_a_status_number_or_an_event_kind() -> None:
    assert scan(ROOT) == []


def test_the_table_itself_is_where_the_kinds_are_spelled() -> None:
    table = (ROOT / THE_TABLE).read_text(encoding="utf-8")
    assert all(f'"{kind}"' in table for kind in DOSSIER_KINDS)
    assert len(DOSSIER_KINDS) >= 17


PLANTS = [
    ("desktop/register/queries.py", "\n\ndef _planted(row):\n    return row.status == 5\n",
     "status compared with a bare number"),
    ("desktop/register/queries.py", "\n\ndef _planted(d):\n    return d['status'] in (1, 2, 4)\n",
     "status compared with a bare number"),
    ("reports/facts.py", "\n\ndef _planted(s):\n    s.status = 10\n", "status set to a bare number"),
    ("sync/server/store.py", "\n\n_PLANTED = {'status': 9}\n", "'status': a bare status number"),
    ("desktop/register/actions.py", "\n\n_PLANTED = dict(statuses=(5,))\n",
     "statuses= a bare status number"),
    ("sync/server/store.py", "\n\n_PLANTED = 'dossier.received'\n",
     "event kind spelled out: dossier.received"),
    ("desktop/register/reports.py",
     "\n\n_PLANTED = \"SELECT 1 FROM events WHERE kind = 'dossier.returned'\"\n",
     "event kind spelled out: dossier.returned"),
]


@pytest.mark.parametrize(("module", "planted", "expected"), PLANTS)
def test_a_planted_status_number_or_kind_is_found(tmp_path: Path, module: str, planted: str,
                                                   expected: str) -> None:
    for package in PRODUCT:
        shutil.copytree(ROOT / package, tmp_path / package,
                        ignore=shutil.ignore_patterns("__pycache__"))
    assert scan(tmp_path) == [], "the copy starts clean"
    target = tmp_path / module
    target.write_text(target.read_text(encoding="utf-8") + planted, encoding="utf-8")
    found = scan(tmp_path)
    assert len(found) == 1 and found[0].startswith(module) and found[0].endswith(expected), found


def test_names_of_the_table_and_unrelated_numbers_are_not_flagged() -> None:
    clean = ("from sync.lifecycle import Status\n"
             "def f(view, resp):\n"
             "    if view.status == Status.SUPPLEMENT:\n"
             "        return resp.status_code == 401\n"
             "    return {'status': int(Status.RETURNED), 'count': 5}\n")
    assert findings(clean, "clean.py") == []
