"""The device token in the OS keyring: a small wrapper that says where the secret is kept.

The token the server issues at enrollment is the only secret; it never goes to SQLite,
settings files or logs. `keyring` picks the platform's store (Windows Credential Locker,
macOS Keychain, Secret Service on Linux). When only an insecure backend is available (a
plaintext file, or none at all), `CredentialStore.warning()` says so in both languages.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from typing import Any

import keyring
import keyring.errors
from keyring.backend import KeyringBackend

from sync.errors import KnownError

log = logging.getLogger(__name__)

SERVICE = "motcua"

# Backends that keep the secret readable by anyone with the file, or keep nothing at all.
# Matched on "module.ClassName" so that keyrings.alt need not be importable.
_INSECURE = {
    "keyring.backends.fail.Keyring": "none",
    "keyring.backends.null.Keyring": "none",
    "keyrings.alt.file.PlaintextKeyring": "plaintext",
    "keyrings.alt.file.EncryptedKeyring": "prompts",  # asks for a master password on a tty
    "keyrings.alt.Gnome.Keyring": "legacy",
}


class CredentialError(KnownError):
    """The keyring could not store or read the token (locked, missing, refused)."""


@dataclass(frozen=True)
class BackendInfo:
    """Which keyring backend holds the secret, and whether that is a safe place."""

    name: str  # "module.ClassName" of the backend (of each one, for a chainer)
    where: str  # human-readable: the store, or the file path for a file backend
    secure: bool
    reason: str  # "" when secure; "none", "plaintext", "prompts", "low-priority"


def _qualname(backend: Any) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__name__}"


def _describe(backend: KeyringBackend) -> BackendInfo:
    name = _qualname(backend)
    children = getattr(backend, "backends", None)
    if name == "keyring.backends.chainer.ChainerBackend" and children is not None:
        parts = [_describe(b) for b in children]
        if not parts:
            return BackendInfo(name, "—", False, "none")
        # The chainer writes to the first (highest priority) backend.
        first = parts[0]
        return BackendInfo(f"{name}[{first.name}]", first.where, first.secure, first.reason)
    path = getattr(backend, "file_path", None)
    where = f"{getattr(backend, 'name', name)}" + (f" ({path})" if path else "")
    reason = _INSECURE.get(name, "")
    if not reason:
        try:
            priority = float(getattr(backend, "priority", 1))
        except Exception:  # noqa: BLE001 (some backends raise from `priority` when unusable)
            priority = 0.0
        if priority < 1:
            reason = "low-priority"
    return BackendInfo(name, where, not reason, reason)


class CredentialStore:
    """Keeps device tokens in a keyring under service "motcua".

    The username is the server URL and the device id, so one PC can be enrolled on a test
    and a production server at once without one token replacing the other.
    """

    def __init__(self, backend: KeyringBackend | None = None, service: str = SERVICE):
        self._backend = backend
        self.service = service

    @property
    def backend(self) -> KeyringBackend:
        return self._backend if self._backend is not None else keyring.get_keyring()

    @staticmethod
    def username(server_url: str, device_id: str) -> str:
        return f"{server_url.rstrip('/')} {device_id}"

    def info(self) -> BackendInfo:
        return _describe(self.backend)

    def where(self) -> str:
        """Where the token is kept, for the settings page and `motcua enroll`."""
        return self.info().where

    def warning(self) -> tuple[str, str] | None:
        """(vi, en) when the backend is not a secure store, else None."""
        info = self.info()
        if info.secure:
            return None
        if info.reason == "none":
            return (("Máy này không có kho khóa bảo mật (keyring): không lưu được mã xác thực "
                     "của máy. Hãy cài dịch vụ lưu mật khẩu của hệ điều hành."),
                    ("No secure keyring is available: the device token cannot be stored. "
                     "Install the operating system's secret store."))
        return ((f"Mã xác thực của máy được lưu ở nơi không được mã hóa an toàn: {info.where}. "
                 "Chỉ dùng cho thử nghiệm."),
                ("The device token is kept in a store that is not securely encrypted: "
                 f"{info.where}. Use this for tests only."))

    def get_token(self, server_url: str, device_id: str) -> str | None:
        return self._get(self.username(server_url, device_id))

    def set_token(self, server_url: str, device_id: str, token: str) -> None:
        self._set(self.username(server_url, device_id), token)
        info = self.info()
        log.info("device token stored in %s%s", info.name,
                 "" if info.secure else f" (not secure: {info.reason})")

    def delete_token(self, server_url: str, device_id: str) -> bool:
        return self._delete(self.username(server_url, device_id))

    def enroll_key(self, server_url: str, device_id: str) -> str:
        """The retry key of an enrollment under way, made once and kept until it succeeds.

        Kept in the keyring so that a second `motcua enroll` after a lost answer sends the same
        key and the server may answer again with the same one-time code.
        """
        name = self.username(server_url, device_id) + " enroll"
        key = self._get(name)
        if not key:
            key = secrets.token_urlsafe(32)
            self._set(name, key)
        return key

    def forget_enroll_key(self, server_url: str, device_id: str) -> None:
        self._delete(self.username(server_url, device_id) + " enroll")

    # --- the keyring, with its failures in both languages ----------------------------------

    def _get(self, name: str) -> str | None:
        try:
            return self.backend.get_password(self.service, name)
        except keyring.errors.KeyringError as exc:
            log.warning("keyring read failed: %s", type(exc).__name__)
            raise CredentialError(
                "Không đọc được mã xác thực của máy từ kho khóa (keyring).",
                f"Could not read the device token from the keyring ({type(exc).__name__}).",
            ) from exc

    def _set(self, name: str, secret: str) -> None:
        try:
            self.backend.set_password(self.service, name, secret)
        except keyring.errors.KeyringError as exc:
            log.warning("keyring write failed: %s", type(exc).__name__)
            raise CredentialError(
                "Không lưu được mã xác thực của máy vào kho khóa (keyring).",
                f"Could not store the device token in the keyring ({type(exc).__name__}).",
            ) from exc

    def _delete(self, name: str) -> bool:
        try:
            self.backend.delete_password(self.service, name)
            return True
        except keyring.errors.PasswordDeleteError:
            return False
        except keyring.errors.KeyringError as exc:
            raise CredentialError("Không xóa được mã xác thực trong kho khóa (keyring).",
                                  f"Could not delete the device token ({type(exc).__name__})."
                                  ) from exc
