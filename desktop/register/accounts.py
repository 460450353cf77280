"""Local accounts: roles, what each role may do, and password hashing with scrypt."""

from __future__ import annotations

import hashlib
import hmac
import os
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from desktop.register.errors import ValidationError

ROLES: dict[str, tuple[str, str]] = {
    "receiving": ("Công chức tiếp nhận", "Receiving officer"),
    "processing": ("Công chức xử lý", "Processing officer"),
    "leader": ("Lãnh đạo", "Leader"),
    "admin": ("Quản trị", "Administrator"),
}

# What each role may do. The UI offers only what the role may do; the register checks too.
PERMISSIONS: dict[str, frozenset[str]] = {
    "receiving": frozenset({"receive", "refuse", "request_supplement", "receive_supplement",
                            "return_result", "rate", "complain", "withdraw", "stop", "print",
                            "hand_over", "fee", "correct_details"}),
    "processing": frozenset({"hand_over", "request_supplement", "receive_supplement",
                             "process", "request_financial", "fee", "reschedule", "print",
                             "logbook", "certify", "complain"}),
    "leader": frozenset({"reports", "print", "reschedule", "hand_over", "process",
                         "close_books"}),
    "admin": frozenset({"receive", "refuse", "request_supplement", "receive_supplement",
                        "return_result", "rate", "complain", "withdraw", "stop", "print",
                        "hand_over", "fee", "process", "request_financial", "reschedule",
                        "logbook", "certify", "reports", "settings", "accounts",
                        "calendar", "close_books", "correct_details"}),
}

# What can happen to an account, as the audit trail words it (Vietnamese, English).
CHANGES: dict[str, tuple[str, str]] = {
    "created": ("tạo tài khoản", "account created"),
    "password_changed": ("tự đổi mật khẩu", "changed own password"),
    "password_reset": ("đặt lại mật khẩu", "password reset"),
    "role_changed": ("đổi vai trò", "role changed"),
    "deactivated": ("khóa tài khoản", "account deactivated"),
    "reactivated": ("mở khóa tài khoản", "account reactivated"),
}


@dataclass(frozen=True)
class AccountChange:
    """One line of the accounts' audit trail: who changed which account, when, and how."""

    at: datetime
    username: str
    change: str  # a key of CHANGES
    actor: str
    role: str | None = None  # the role given, for "created" and "role_changed"

    def describe(self, lang: str = "vi") -> str:
        vi, en = CHANGES.get(self.change, (self.change, self.change))
        text = en if lang == "en" else vi
        if self.role:
            role_vi, role_en = ROLES.get(self.role, (self.role, self.role))
            text += f": {role_en if lang == 'en' else role_vi}"
        return text


# scrypt parameters (RFC 7914): about 50 ms on an old office PC, 16 MiB of memory.
_N, _R, _P = 2**14, 8, 1


def can(role: str, action: str) -> bool:
    return action in PERMISSIONS.get(role, frozenset())


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """Encoded as scrypt$N$r$p$salt_hex$hash_hex."""
    check_password_strength(password)
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(_encode(password), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, encoded: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = encoded.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    candidate = hashlib.scrypt(_encode(password), salt=bytes.fromhex(salt), n=int(n), r=int(r),
                               p=int(p), dklen=len(digest) // 2)
    return hmac.compare_digest(candidate.hex(), digest)


def check_password_strength(password: str) -> None:
    if len(password or "") < 8:
        raise ValidationError("Mật khẩu phải có ít nhất 8 ký tự.",
                              "The password must have at least 8 characters.", field="password")


def _encode(password: str) -> bytes:
    # The same password typed with a different Vietnamese keyboard (NFC vs NFD) still matches.
    return unicodedata.normalize("NFC", password).encode("utf-8")
