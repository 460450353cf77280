"""Translation catalogue tools, standard library only: extract, update, compile, check.

    python -m desktop.ui.i18n_tools update    # source strings -> resources/translations/*.po
    python -m desktop.ui.i18n_tools compile   # .po -> .mo (what the app loads)
    python -m desktop.ui.i18n_tools check     # every string translated, every .mo current

Strings are found by reading the UI's source: the first argument of `_("…")` and `N_("…")`
when it is a literal. The .mo writer follows the GNU format (as CPython's Tools/i18n/msgfmt).
"""

from __future__ import annotations

import array
import ast
import struct
import sys
from pathlib import Path

from resources import resource_path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("desktop/ui", "desktop/app.py")
LANGS = ("en",)
HEADER = ('msgid ""\nmsgstr ""\n"Project-Id-Version: motcua\\n"\n'
          '"Content-Type: text/plain; charset=UTF-8\\n"\n"Content-Transfer-Encoding: 8bit\\n"\n'
          '"Language: {lang}\\n"\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n')


def source_files() -> list[Path]:
    out: list[Path] = []
    for item in SOURCES:
        path = ROOT / item
        out += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return [p for p in out if p.name != "i18n_tools.py"]


def extract() -> dict[str, list[str]]:
    """msgid -> places ("file:line") in source order."""
    found: dict[str, list[str]] = {}
    for path in source_files():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in ("_", "N_") and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                found.setdefault(node.args[0].value, []).append(where)
    return dict(sorted(found.items(), key=lambda kv: kv[1][0]))


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _unquote(token: str) -> str:
    return ast.literal_eval(token)  # type: ignore[no-any-return]


def read_po(path: Path) -> dict[str, str]:
    """msgid -> msgstr of a .po file (no plurals or contexts: the UI uses neither)."""
    entries: dict[str, str] = {}
    if not path.exists():
        return entries
    msgid: list[str] | None = None
    msgstr: list[str] | None = None
    current: list[str] | None = None

    def flush() -> None:
        if msgid is not None and msgstr is not None:
            entries["".join(msgid)] = "".join(msgstr)

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("msgid "):
            flush()
            msgid, msgstr = [_unquote(line[6:])], None
            current = msgid
        elif line.startswith("msgstr "):
            msgstr = [_unquote(line[7:])]
            current = msgstr
        elif line.startswith('"') and current is not None:
            current.append(_unquote(line))
        elif not line or line.startswith("#"):
            continue
    flush()
    entries.pop("", None)
    return entries


def write_po(path: Path, lang: str, messages: dict[str, list[str]],
             translations: dict[str, str]) -> None:
    lines = [HEADER.format(lang=lang)]
    for msgid, places in messages.items():
        lines.append("#: " + " ".join(places[:3]))
        lines.append(f"msgid {_quote(msgid)}")
        lines.append(f"msgstr {_quote(translations.get(msgid, ''))}\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")


def mo_bytes(translations: dict[str, str]) -> bytes:
    """A GNU .mo file: header entry plus every translated message, sorted by msgid."""
    items = {"": "Content-Type: text/plain; charset=UTF-8\n"}
    items.update({k: v for k, v in translations.items() if v})
    keys = sorted(items)
    ids = strs = b""
    offsets = []
    for k in keys:
        kb, vb = k.encode("utf-8"), items[k].encode("utf-8")
        offsets.append((len(ids), len(kb), len(strs), len(vb)))
        ids += kb + b"\0"
        strs += vb + b"\0"
    keystart = 7 * 4 + 16 * len(keys)
    valuestart = keystart + len(ids)
    koffsets: list[int] = []
    voffsets: list[int] = []
    for o1, l1, o2, l2 in offsets:
        koffsets += [l1, o1 + keystart]
        voffsets += [l2, o2 + valuestart]
    header = struct.pack("Iiiiiii", 0x950412DE, 0, len(keys), 7 * 4, 7 * 4 + len(keys) * 8,
                         0, 0)
    return header + array.array("i", koffsets).tobytes() + \
        array.array("i", voffsets).tobytes() + ids + strs


def po_path(lang: str) -> Path:
    return resource_path("translations", lang, "LC_MESSAGES", "motcua.po")


def mo_path(lang: str) -> Path:
    return resource_path("translations", lang, "LC_MESSAGES", "motcua.mo")


def update() -> None:
    messages = extract()
    for lang in LANGS:
        old = read_po(po_path(lang))
        write_po(po_path(lang), lang, messages, old)
        missing = [m for m in messages if not old.get(m)]
        print(f"{lang}: {len(messages)} messages, {len(missing)} untranslated")


def compile_all() -> None:
    for lang in LANGS:
        mo_path(lang).write_bytes(mo_bytes(read_po(po_path(lang))))
        print(f"wrote {mo_path(lang)}")


def problems() -> list[str]:
    messages = extract()
    out = []
    for lang in LANGS:
        translations = read_po(po_path(lang))
        missing = [m for m in messages if not translations.get(m)]
        out += [f"{lang}: untranslated: {m!r}" for m in missing]
        if not mo_path(lang).exists() or mo_path(lang).read_bytes() != mo_bytes(translations):
            out.append(f"{lang}: {mo_path(lang)} is not compiled from the current .po")
    return out


def main(argv: list[str] | None = None) -> int:
    command = (argv if argv is not None else sys.argv[1:] or ["check"])[0]
    if command == "update":
        update()
    elif command == "compile":
        compile_all()
    elif command == "check":
        found = problems()
        print("\n".join(found) or "translations complete")
        return 1 if found else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
