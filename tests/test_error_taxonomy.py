"""One error taxonomy: every exception class the product defines is a `KnownError`, one list aside.

The test reads every product module, imports those that define an exception class, and checks
the class derives from sync.errors.KnownError (its message pair comes from KnownError's
constructor, never re-implemented). The only exceptions are named here, with the reason.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from sync.errors import KnownError

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = ("desktop", "sync", "forms", "reports")
# Not for a person: a malformed wire message, turned into a SyncError (client) or a
# ServerError answer (server) before anyone sees it.
NOT_KNOWN = {"sync.protocol.ProtocolError"}


def _exception_classes() -> list[tuple[str, str]]:
    """(module, class) for every top-level class with a base in the product modules."""
    found = []
    for top in PRODUCT:
        for path in sorted((ROOT / top).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            module = module.removesuffix(".__init__")
            for node in tree.body:
                if isinstance(node, ast.ClassDef) and node.bases:
                    found.append((module, node.name))
    return found


def _exceptions() -> list[type[BaseException]]:
    classes = []
    for module, name in _exception_classes():
        if module.startswith("desktop.ui") or module == "desktop.app":
            pytest.importorskip("PyQt6")
        try:
            cls = getattr(importlib.import_module(module), name)
        except ImportError:
            continue
        if isinstance(cls, type) and issubclass(cls, BaseException):
            classes.append(cls)
    return classes


def test_every_product_exception_is_a_known_error() -> None:
    classes = _exceptions()
    names = {f"{c.__module__}.{c.__qualname__}" for c in classes}
    # The taxonomy's members are all found (the walk did not miss a package).
    for expected in ("desktop.register.errors.DiskFull", "forms.errors.FormDataError",
                     "sync.client.values.SyncError", "sync.credentials.CredentialError",
                     "sync.server.errors.AdminError", "sync.server.errors.ServerError",
                     "desktop.ui.printing.PrintingUnavailable"):
        assert expected in names
    stray = sorted(n for c, n in ((c, f"{c.__module__}.{c.__qualname__}") for c in classes)
                   if not issubclass(c, KnownError) and n not in NOT_KNOWN)
    assert stray == []


def test_no_exception_reimplements_the_message_pair() -> None:
    copied = sorted(f"{c.__module__}.{c.__qualname__}" for c in _exceptions()
                    if c is not KnownError and ("message" in vars(c) or "__init__" in vars(c)
                                                and "message_vi" in _init_source(c)))
    assert copied == []


def _init_source(cls: type) -> str:
    import inspect

    try:
        source = inspect.getsource(vars(cls)["__init__"])
    except (OSError, TypeError):
        return ""
    # Passing message_vi on to KnownError's constructor is the point; assigning it is a copy.
    return "message_vi" if "self.message_vi =" in source else ""
