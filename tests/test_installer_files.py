"""installer/ stays consistent with the program: the Windows installer script (which cannot
be built here), the PyInstaller spec, pyproject.toml and desktop/paths.py name the same
programs, version source and data folder. Reads files only: no PyInstaller, no build
(installer/check builds and runs the bundle; too slow for CI).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
INSTALLER = ROOT / "installer"
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
APP_ID = "{{890E43AF-76E4-43CD-AC0D-AA40378E93FC}"  # never changes: upgrades find it


def spec() -> str:
    return (INSTALLER / "motcua.spec").read_text(encoding="utf-8")


def iss() -> str:
    return (INSTALLER / "windows" / "motcua.iss").read_text(encoding="utf-8-sig")


def iss_defines() -> dict[str, str]:
    return dict(re.findall(r'^#define (\w+) "([^"]*)"', iss(), re.MULTILINE))


def iss_section(name: str) -> list[str]:
    """The non-comment lines of one [Section] of the .iss."""
    lines, inside = [], False
    for line in iss().splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            inside = stripped.lower() == f"[{name.lower()}]"
            continue
        if inside and stripped and not stripped.startswith(";"):
            lines.append(stripped)
    return lines


def iss_setup() -> dict[str, str]:
    return dict(line.split("=", 1) for line in iss_section("Setup"))


def test_spec_and_iss_name_the_same_programs() -> None:
    assert PROJECT["name"] == "motcua"
    assert PROJECT["scripts"]["motcua"] == "desktop.cli:main"
    text = spec()
    assert re.search(r'^NAME = PROJECT\["name"\]', text, re.MULTILINE)
    assert re.search(r"^EXE_NAME = NAME\b", text, re.MULTILINE)
    assert re.search(r'^GUI_EXE_NAME = NAME \+ "w"', text, re.MULTILINE)
    defines = iss_defines()
    assert defines["AppName"] == PROJECT["name"]
    assert defines["ExeName"] == PROJECT["name"] + ".exe"
    assert defines["GuiExeName"] == PROJECT["name"] + "w.exe"
    launcher = (INSTALLER / "launch_motcua.py").read_text(encoding="utf-8")
    assert "from desktop.cli import main" in launcher and "sys.exit(main())" in launcher
    assert 'launch_motcua.py"' in text


def test_the_version_comes_from_pyproject_everywhere() -> None:
    from desktop import __version__

    assert __version__ == PROJECT["version"]
    text = spec()
    assert 'VERSION = PROJECT["version"]' in text and "pyproject.toml" in text
    source = iss()
    assert "AppVersion" not in iss_defines(), "the .iss must not hard-code the version"
    assert re.search(r"^#ifndef AppVersion\s*\n\s*#error", source, re.MULTILINE)
    assert iss_setup()["AppVersion"] == "{#AppVersion}"
    build = (INSTALLER / "build").read_text(encoding="utf-8")
    assert 'tomllib.load(open("pyproject.toml", "rb"))["project"]' in build
    assert '"/DAppVersion=$VERSION"' in build and "installer/windows/motcua.iss" in build


def test_the_iss_installs_per_user_with_a_stable_app_id() -> None:
    setup = iss_setup()
    assert setup["AppId"] == APP_ID
    assert setup["PrivilegesRequired"] == "lowest"
    assert "PrivilegesRequiredOverridesAllowed" not in setup
    assert setup["DefaultDirName"] == r"{localappdata}\Programs\{#AppName}"
    icons = iss_section("Icons")
    assert any(line.startswith(r'Name: "{autoprograms}\{#AppName}"')
               and r'Filename: "{app}\{#GuiExeName}"' in line for line in icons)


def test_the_data_folder_is_the_one_desktop_paths_uses_and_is_never_deleted(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import platformdirs.windows

    from desktop import paths

    calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []

    def user_data_dir(*args: Any, **kwargs: Any) -> str:
        calls.append((args, kwargs))
        return str(tmp_path)

    monkeypatch.delenv("MOTCUA_HOME", raising=False)
    monkeypatch.setattr(paths.platformdirs, "user_data_dir", user_data_dir)
    paths.data_dir()
    (args, kwargs), = calls
    # What those arguments give on Windows, with %LOCALAPPDATA% = C:\Users\a\AppData\Local.
    monkeypatch.setattr(platformdirs.windows, "get_win_folder",
                        lambda csidl: r"C:\Users\a\AppData\Local"
                        if csidl == "CSIDL_LOCAL_APPDATA" else r"C:\elsewhere")
    on_windows = platformdirs.windows.Windows(*args, **kwargs).user_data_dir.replace("/", "\\")
    assert on_windows == r"C:\Users\a\AppData\Local\motcua"
    assert iss_defines()["DataDir"] == r"{localappdata}\motcua"

    # Nothing the installer deletes is, or is inside, the data folder.
    assert iss_section("UninstallDelete") == []
    deleted = iss_section("InstallDelete")
    assert deleted == [r'Type: filesandordirs; Name: "{app}\_internal"']
    for line in (*deleted, *iss_section("Files"), *iss_section("Dirs")):
        assert "DataDir" not in line and r"{localappdata}\motcua" not in line.lower()
    # The program folder is not the data folder, and the wizard refuses to make it so.
    assert iss_setup()["DefaultDirName"].lower() != r"{localappdata}\motcua"
    assert "ExpandConstant('{#DataDir}')" in iss()


def test_the_optional_scheduled_sync_runs_every_30_minutes_and_goes_on_uninstall() -> None:
    tasks = iss_section("Tasks")
    assert any(line.startswith('Name: "synctask"') and "Flags: unchecked" in line
               for line in tasks)
    name = iss_defines()["SyncTaskName"]
    assert name.startswith("motcua sync")
    create = [line for line in iss_section("Run") if "/Create" in line]
    assert len(create) == 1
    line = create[0]
    assert r'Filename: "{sys}\schtasks.exe"' in line and "Tasks: synctask" in line
    assert "/SC MINUTE /MO 30" in line and '/TN ""{#SyncTaskName}""' in line
    assert r'/TR ""\""{app}\{#GuiExeName}\"" sync""' in line
    assert "/RU" not in line  # the current user's task: no password, no administrator
    for section in ("Run", "UninstallRun"):
        assert any("/Delete /F" in line and '/TN ""{#SyncTaskName}""' in line
                   for line in iss_section(section)), section


def test_the_spec_carries_what_the_program_loads_at_run_time() -> None:
    text = spec()
    # Style rule 14: keyring's backends as hidden imports.
    assert 'collect_submodules("keyring.backends")' in text
    assert 'copy_metadata("keyring")' in text
    for needle in ('tree(ROOT / "resources", "resources"',
                   '"desktop/register/migrations"', "alembic.op", "alembic.context",
                   "holidays.countries.vietnam", "VN.mo", "vietnam_provinces",
                   "sqlalchemy.dialects.sqlite", "PyQt6.QtPrintSupport", "PyQt6.QtPdf",
                   "num2words.lang_VI", '"tzdata"', 'collect_submodules("reportlab")'):
        assert needle in text, needle
    for folder in ("catalogue", "calendar", "fonts", "translations", "index", "icons"):
        assert any((ROOT / "resources" / folder).iterdir()), folder
    assert (INSTALLER / "rthooks" / "pyi_rth_motcua_qt.py").is_file()
    assert '"sync.server"' in text  # the server stays out of the desktop bundle


def test_linux_desktop_entry_and_icon() -> None:
    entry = (INSTALLER / "linux" / "motcua.desktop").read_text(encoding="utf-8")
    fields = dict(line.split("=", 1) for line in entry.splitlines() if "=" in line)
    assert fields["Type"] == "Application" and fields["Exec"] == "motcua"
    assert fields["Icon"] == "motcua" and fields["Terminal"] == "false"
    png = (ROOT / "resources" / "icons" / "motcua.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (256, 256)
    assert "<svg" in (ROOT / "resources" / "icons" / "motcua.svg").read_text(encoding="utf-8")
    build = (INSTALLER / "build").read_text(encoding="utf-8")
    assert "installer/linux/motcua.desktop" in build and "resources/icons/motcua.png" in build
