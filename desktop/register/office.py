"""The office's identity: province and commune from `vietnam-provinces`, agency electronic id."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import vietnam_provinces as vp

from desktop.register.errors import ValidationError
from desktop.register.textnorm import fold

AGENCY_ID_RE = re.compile(r"^[A-Z0-9]+(\.[A-Z0-9]+)*$")


@dataclass(frozen=True)
class Province:
    code: int  # 2 digits (Decision 19/2025/QĐ-TTg)
    name: str


@dataclass(frozen=True)
class Commune:
    code: int  # 5 digits
    name: str
    province_code: int


@dataclass(frozen=True)
class OfficeInfo:
    """Who this register belongs to (set at first start, shown on every form)."""

    province: Province
    commune: Commune
    agency_id: str  # mã định danh điện tử của cơ quan (Decision 20/2020, amended 09/2025)
    office_name: str
    device_id: str
    device_slot: int


@lru_cache(maxsize=1)
def provinces() -> tuple[Province, ...]:
    """The 34 provinces and centrally-run cities since 1 July 2025."""
    items = (Province(int(p.code), p.name) for p in vp.Province.iter_all())
    return tuple(sorted(items, key=lambda p: p.code))


@lru_cache(maxsize=1)
def _communes() -> dict[int, Commune]:
    return {
        int(w.code): Commune(int(w.code), w.name, int(w.province_code))
        for w in vp.Ward.iter_all()
    }


def communes(province_code: int | None = None) -> list[Commune]:
    """The 3,321 communes, wards and special zones, optionally of one province."""
    items = [c for c in _communes().values()
             if province_code is None or c.province_code == province_code]
    return sorted(items, key=lambda c: c.code)


def province(code: int) -> Province:
    for p in provinces():
        if p.code == code:
            return p
    raise ValidationError(
        f"Mã tỉnh/thành phố {code} không có trong danh mục 34 đơn vị hành chính cấp tỉnh.",
        f"Province code {code} is not one of the 34 provinces.",
        field="province_code",
    )


def commune(code: int, province_code: int | None = None) -> Commune:
    found = _communes().get(code)
    if found is None:
        raise ValidationError(
            f"Mã xã/phường {code} không có trong danh mục đơn vị hành chính cấp xã.",
            f"Commune code {code} is not a known commune.",
            field="commune_code",
        )
    if province_code is not None and found.province_code != province_code:
        raise ValidationError(
            f"{found.name} không thuộc {province(province_code).name}.",
            f"{found.name} is not in {province(province_code).name}.",
            field="commune_code",
        )
    return found


def search_communes(query: str, province_code: int | None = None, limit: int = 50) -> list[Commune]:
    """Diacritic-insensitive prefix search over commune names ("hai ba" → Phường Hai Bà Trưng)."""
    tokens = fold(query).split()
    out = []
    for c in communes(province_code):
        words = fold(c.name).split()
        if all(any(w.startswith(t) for w in words) for t in tokens):
            out.append(c)
            if len(out) >= limit:
                break
    return out


def validate_agency_id(value: str) -> str:
    """Agency electronic id: up to 35 characters of A–Z, 0–9 and dots, dot-separated levels."""
    value = (value or "").strip().upper()
    if not value or len(value) > 35 or not AGENCY_ID_RE.match(value):
        raise ValidationError(
            "Mã định danh điện tử của cơ quan gồm tối đa 35 ký tự A–Z, 0–9, phân cấp bằng dấu "
            "chấm (ví dụ 000.00.01.H29).",
            "The agency electronic id has at most 35 characters A–Z, 0–9 separated by dots "
            "(e.g. 000.00.01.H29).",
            field="agency_id",
        )
    return value
