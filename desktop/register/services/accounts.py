"""Local accounts: creation, login, passwords, roles, deactivation, and their audit trail."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from desktop.register.accounts import (
    ROLES,
    AccountChange,
    can,
    hash_password,
    verify_password,
)
from desktop.register.errors import NotFoundError, ValidationError
from desktop.register.events import parse_utc, utc_iso
from desktop.register.models import Account, AccountChangeRow
from desktop.register.services.base import Service
from desktop.register.validation import validate_name, validate_text
from desktop.register.views import AccountView


class AccountService(Service):
    """The office's accounts on this PC (never synced)."""

    # --- accounts ----------------------------------------------------------------------------
    # Accounts are local to this PC and never synced. Their audit trail (who changed which
    # account, when) is the account_changes table.

    def has_accounts(self) -> bool:
        with self._read() as conn:
            return bool(conn.execute(select(func.count()).select_from(Account)).scalar())

    def create_account(self, username: str, full_name: str, role: str, password: str,
                       *, actor: str | None = None, must_change_password: bool | None = None
                       ) -> AccountView:
        """Create a local account; after the first one, only an administrator may.

        `must_change_password`: the owner picks their own password at the first login. By
        default yes for an account an administrator creates (they chose the password), no for
        the first one (its owner did)."""
        username = validate_text(username, field="username", max_len=64, required=True).lower()
        if not username.replace(".", "").replace("_", "").isalnum() or not username.isascii():
            raise ValidationError("Tên đăng nhập chỉ gồm chữ không dấu, số, dấu chấm, gạch dưới.",
                                  "Usernames use ASCII letters, digits, dots and underscores.",
                                  field="username")
        full_name = validate_name(full_name, field="full_name")
        _check_role(role)
        encoded = hash_password(password)
        with self._write() as w:
            conn = w.conn
            w.touch(accounts=True)
            count = conn.execute(select(func.count()).select_from(Account)).scalar()
            if count:
                _check_administrator(conn, actor)
            elif role != "admin":
                raise ValidationError("Tài khoản đầu tiên phải là quản trị viên.",
                                      "The first account must be an administrator.",
                                      field="role")
            if conn.execute(select(Account.username).where(Account.username == username)
                            ).scalar():
                raise ValidationError(f"Tên đăng nhập {username} đã có.",
                                      f"Username {username} already exists.", field="username")
            must_change = bool(count) if must_change_password is None else must_change_password
            conn.execute(insert(Account), [{
                "username": username, "full_name": full_name, "role": role,
                "password_hash": encoded, "active": 1, "created_at": utc_iso(self.clock()),
                "must_change_password": int(must_change)}])
            self._log_account_change(conn, username, "created", actor or username, role)
        return AccountView(username, full_name, role, True, must_change)

    def authenticate(self, username: str, password: str) -> AccountView:
        """Check a password; the same message for an unknown user and a wrong password."""
        with self._read() as conn:
            a = Account
            account = conn.execute(select(a.username, a.full_name, a.role, a.active,
                                          a.password_hash, a.must_change_password).where(
                a.username == (username or "").strip().lower())).first()
        if account is None or not account.active or not verify_password(
                password or "", account.password_hash):
            raise ValidationError("Tên đăng nhập hoặc mật khẩu không đúng.",
                                  "Wrong username or password.", field="password")
        return AccountView(account.username, account.full_name, account.role, True,
                           bool(account.must_change_password))

    def accounts(self) -> list[AccountView]:
        a = Account
        with self._read() as conn:
            rows = conn.execute(select(a.username, a.full_name, a.role, a.active,
                                       a.must_change_password).order_by(a.username)).all()
        return [AccountView(r.username, r.full_name, r.role, bool(r.active),
                            bool(r.must_change_password)) for r in rows]

    def change_password(self, username: str, old_password: str, new_password: str) -> None:
        """Change one's own password: the current one must be given again."""
        username = (username or "").strip().lower()
        with self._read() as conn:
            current = conn.execute(select(Account.password_hash).where(
                Account.username == username, Account.active == 1)).scalar()
        wrong = ValidationError("Mật khẩu hiện tại không đúng.",
                                "The current password is wrong.", field="old_password")
        if current is None or not verify_password(old_password or "", current):
            raise wrong
        encoded = hash_password(new_password)
        if verify_password(new_password, current):
            raise ValidationError("Mật khẩu mới phải khác mật khẩu hiện tại.",
                                  "The new password must differ from the current one.",
                                  field="password")
        with self._write() as w:
            conn = w.conn
            w.touch(accounts=True)
            changed = conn.execute(update(Account).where(
                Account.username == username, Account.active == 1,
                Account.password_hash == current).values(
                    password_hash=encoded, must_change_password=0)).rowcount
            if not changed:  # changed or deactivated since it was checked
                raise wrong
            self._log_account_change(conn, username, "password_changed", username)

    def reset_password(self, username: str, new_password: str, actor: str) -> None:
        """An administrator gives another account a new password (a forgotten one); its owner
        must change it at the next login."""
        encoded = hash_password(new_password)
        with self._write() as w:
            conn = w.conn
            w.touch(accounts=True)
            _check_administrator(conn, actor)
            target = _account_row(conn, username)
            if target.username == actor:
                raise ValidationError("Hãy dùng «Đổi mật khẩu» cho tài khoản của mình.",
                                      "Use “Change password” for your own account.",
                                      field="username")
            conn.execute(update(Account).where(Account.username == target.username)
                         .values(password_hash=encoded, must_change_password=1))
            self._log_account_change(conn, target.username, "password_reset", actor)

    def set_role(self, username: str, role: str, actor: str) -> AccountView:
        """An administrator changes an account's role; an office keeps an administrator."""
        _check_role(role)
        with self._write() as w:
            conn = w.conn
            w.touch(accounts=True)
            _check_administrator(conn, actor)
            target = _account_row(conn, username)
            if target.role == role:
                raise ValidationError(f"Tài khoản {target.username} đã có vai trò này.",
                                      f"Account {target.username} already has this role.",
                                      field="role")
            if target.role == "admin" and target.active:
                _keep_an_administrator(conn, target.username)
            _not_oneself(target.username, actor)
            conn.execute(update(Account).where(Account.username == target.username)
                         .values(role=role))
            self._log_account_change(conn, target.username, "role_changed", actor, role)
        return AccountView(target.username, target.full_name, role, bool(target.active))

    def set_active(self, username: str, active: bool, actor: str) -> AccountView:
        """Deactivate an account (it can no longer log in; what it wrote stays) or reactivate
        it. Accounts are never deleted: events and book entries name them."""
        with self._write() as w:
            conn = w.conn
            w.touch(accounts=True)
            _check_administrator(conn, actor)
            target = _account_row(conn, username)
            if bool(target.active) == active:
                raise ValidationError(
                    f"Tài khoản {target.username} "
                    + ("đang hoạt động." if active else "đã bị khóa."),
                    f"Account {target.username} is already "
                    + ("active." if active else "deactivated."), field="username")
            if not active:
                if target.role == "admin":
                    _keep_an_administrator(conn, target.username)
                _not_oneself(target.username, actor)
            conn.execute(update(Account).where(Account.username == target.username)
                         .values(active=int(active)))
            self._log_account_change(conn, target.username,
                                     "reactivated" if active else "deactivated", actor)
        return AccountView(target.username, target.full_name, target.role, active)

    def account_changes(self, username: str | None = None) -> list[AccountChange]:
        """The accounts' audit trail, oldest first (of one account, or of all)."""
        c = AccountChangeRow
        query = select(c.at, c.username, c.change, c.actor, c.role).order_by(c.id)
        if username is not None:
            query = query.where(c.username == username)
        with self._read() as conn:
            rows = conn.execute(query).all()
        return [AccountChange(parse_utc(r.at), r.username, r.change, r.actor, r.role)
                for r in rows]

    def _log_account_change(self, conn: Connection, username: str, change: str, actor: str,
                            role: str | None = None) -> None:
        conn.execute(insert(AccountChangeRow), [{
            "at": utc_iso(self.clock()), "username": username, "change": change,
            "actor": actor, "role": role}])


# --- accounts: the rules every change to an account follows ----------------------------------

def _check_role(role: str) -> None:
    if role not in ROLES:
        raise ValidationError("Vai trò không hợp lệ.", "Invalid role.", field="role")


def _check_administrator(conn: Connection, actor: str | None) -> None:
    role = conn.execute(select(Account.role).where(Account.username == (actor or ""),
                                                   Account.active == 1)).scalar()
    if not can(role or "", "accounts"):
        raise ValidationError("Chỉ quản trị viên được quản lý tài khoản.",
                              "Only an administrator may manage accounts.")


def _account_row(conn: Connection, username: str) -> Any:
    a = Account
    row = conn.execute(select(a.username, a.full_name, a.role, a.active).where(
        a.username == (username or "").strip().lower())).first()
    if row is None:
        raise NotFoundError(f"Không có tài khoản {username}.", f"No account {username}.")
    return row


def _keep_an_administrator(conn: Connection, username: str) -> None:
    """Refuse to demote or deactivate the last active administrator: nobody could then
    manage the accounts."""
    others = conn.execute(select(func.count()).select_from(Account).where(
        Account.role == "admin", Account.active == 1, Account.username != username)).scalar()
    if not others:
        raise ValidationError(
            f"{username} là quản trị viên duy nhất còn hoạt động; hãy giao vai trò quản trị "
            "cho một tài khoản khác trước.",
            f"{username} is the only active administrator; make another account an "
            "administrator first.", field="username")


def _not_oneself(username: str, actor: str) -> None:
    if username == actor:
        raise ValidationError(
            "Không thể tự khóa hoặc tự đổi vai trò của tài khoản đang dùng; hãy nhờ một quản "
            "trị viên khác.",
            "You cannot deactivate your own account or change its role; ask another "
            "administrator.", field="username")

