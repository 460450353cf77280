"""Logbooks (sổ): volumes owned by one device, gapless numbers, voids and corrections."""

from __future__ import annotations

from typing import Any

from desktop.register.errors import TransitionError
from desktop.register.events import EventRecord

# Volume numbers need no coordination between the devices of an office: the k-th volume
# (k = 0, 1, ...) a device opens for a book kind and year is number k * MAX_SLOTS + slot,
# where slot (1..9) is the device's slot fixed at enrollment. One PC (slot 1) gets 1, 10, 19.
MAX_SLOTS = 9

# How many entries a volume holds before the next one is opened, by book group.
DEFAULT_CAPACITY = {"tracking": 100_000, "civil_status": 1_000, "certification": 10_000}


class VolumeKind:
    OPENED = "volume.opened"
    ENTRY_ADDED = "volume.entry_added"
    ENTRY_VOIDED = "volume.entry_voided"
    CLOSED = "volume.closed"


def volume_number(slot: int, k: int) -> int:
    """The k-th volume number owned by device `slot` (see MAX_SLOTS)."""
    if not 1 <= slot <= MAX_SLOTS:
        raise ValueError(f"device slot {slot} outside 1..{MAX_SLOTS}")
    return k * MAX_SLOTS + slot


def check_volume(volume: dict[str, Any] | None, entries: dict[str, dict[str, Any]],
                 event: EventRecord) -> None:
    """Raise TransitionError when `event` breaks the book's rules."""
    p = event.payload
    if event.kind == VolumeKind.OPENED:
        if volume is not None:
            raise TransitionError("Quyển sổ đã được mở.", "The volume is already open.")
        return
    if volume is None:
        raise TransitionError("Quyển sổ chưa được mở.", "The volume has not been opened.")
    if volume["closed_at"] is not None and event.kind != VolumeKind.ENTRY_VOIDED:
        raise TransitionError(
            f"Quyển sổ số {volume['volume_no']} năm {volume['year']} đã khóa sổ.",
            f"Volume {volume['volume_no']} of {volume['year']} is closed.",
        )
    if event.kind == VolumeKind.ENTRY_ADDED:
        if p["number"] != volume["last_number"] + 1:
            raise TransitionError(
                f"Số thứ tự {p['number']} không liền mạch (số tiếp theo là "
                f"{volume['last_number'] + 1}).",
                f"Entry number {p['number']} leaves a gap (next is {volume['last_number'] + 1}).",
            )
        if p["number"] - volume["first_number"] + 1 > volume["capacity"]:
            raise TransitionError("Quyển sổ đã hết trang.", "The volume is full.")
        if p.get("corrects_uid") and p["corrects_uid"] not in entries:
            raise TransitionError(
                "Không tìm thấy mục cần cải chính trong quyển sổ này.",
                "The entry to correct is not in this volume.",
            )
    elif event.kind == VolumeKind.ENTRY_VOIDED:
        entry = entries.get(p["entry_uid"])
        if entry is None:
            raise TransitionError("Không tìm thấy mục trong sổ.", "Entry not found.")
        if entry["voided_at"] is not None:
            raise TransitionError("Mục này đã bị hủy.", "The entry is already voided.")
        if not str(p.get("reason", "")).strip():
            raise TransitionError("Phải ghi lý do hủy số.", "Give the reason for voiding.")


def apply_volume(volume: dict[str, Any] | None, entries: dict[str, dict[str, Any]],
                 event: EventRecord) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """Pure transition of a volume; returns the new volume and the entries it changed.

    An event that does not fit is skipped here (volumes are device-owned, so only a
    tampered log can produce one); `motcua check` reports it.
    """
    try:
        check_volume(volume, entries, event)
    except TransitionError:
        return volume, []
    p = event.payload
    if event.kind == VolumeKind.OPENED:
        return {
            "uid": event.stream,
            "book_kind": p["book_kind"],
            "field_code": p.get("field_code", ""),
            "year": p["year"],
            "volume_no": p["volume_no"],
            "device_id": event.device_id,
            "opened_at": event.occurred_at,
            "first_number": p.get("first_number", 1),
            "last_number": p.get("first_number", 1) - 1,
            "capacity": p["capacity"],
            "closed_at": None,
            "closing": None,
        }, []
    assert volume is not None
    new = dict(volume)
    if event.kind == VolumeKind.ENTRY_ADDED:
        new["last_number"] = p["number"]
        entry = {
            "uid": p["entry_uid"],
            "volume_uid": event.stream,
            "number": p["number"],
            "registered_at": event.occurred_at,
            "dossier_uid": p.get("dossier_uid"),
            "data": p.get("data", {}),
            "corrects_uid": p.get("corrects_uid"),
            "voided_at": None,
            "void_reason": None,
            "actor": event.actor,
        }
        return new, [entry]
    if event.kind == VolumeKind.ENTRY_VOIDED:
        entry = dict(entries[p["entry_uid"]])
        entry["voided_at"] = event.occurred_at
        entry["void_reason"] = p["reason"]
        return new, [entry]
    if event.kind == VolumeKind.CLOSED:
        new["closed_at"] = event.occurred_at
        new["closing"] = p["totals"]
        return new, []
    return new, []


def closing_totals(volume: dict[str, Any], entries: list[dict[str, Any]],
                   entries_per_page: int) -> dict[str, int]:
    """Year-end closing line: entries used, voided, and pages (trang) written."""
    used = len(entries)
    return {
        "entries": used,
        "voided": sum(1 for e in entries if e["voided_at"] is not None),
        "valid": sum(1 for e in entries if e["voided_at"] is None),
        "first_number": volume["first_number"],
        "last_number": volume["last_number"],
        "pages": max(1, -(-used // entries_per_page)) if used else 0,
    }
