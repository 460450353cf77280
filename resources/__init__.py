"""Data files and assets shipped with motcua: catalogue, calendars, fonts, translations."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent


def resource_path(*parts: str) -> Path:
    """Absolute path of a bundled resource, e.g. resource_path("fonts", "LiberationSerif-Regular.ttf")."""
    return ROOT.joinpath(*parts)
