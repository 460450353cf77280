"""Accounts in the register: own password, administrator's changes, the audit trail, and the
rules that keep an office with an administrator."""

from __future__ import annotations

import pytest

from desktop.register.errors import NotFoundError, ValidationError
from desktop.register.service import Register
from tests.conftest import FixedClock, local_time

PASSWORD = "matkhau123"


@pytest.fixture
def office(register: Register) -> Register:
    register.create_account("admin", "Nguyễn Văn Quản", "admin", PASSWORD)
    register.create_account("tn.hoa", "Trần Thị Hoa", "receiving", PASSWORD, actor="admin")
    register.create_account("ld.son", "Bùi Văn Sơn", "leader", PASSWORD, actor="admin")
    return register


def test_a_user_changes_their_password_and_logs_in_with_the_new_one_only(
        office: Register) -> None:
    office.change_password("tn.hoa", PASSWORD, "mat-khau-moi-2026")
    assert office.authenticate("tn.hoa", "mat-khau-moi-2026").username == "tn.hoa"
    with pytest.raises(ValidationError):
        office.authenticate("tn.hoa", PASSWORD)


def test_changing_a_password_asks_for_the_current_one_and_a_strong_new_one(
        office: Register) -> None:
    with pytest.raises(ValidationError) as wrong:
        office.change_password("tn.hoa", "doan-sai-mat-khau", "mat-khau-moi-2026")
    assert wrong.value.message_vi == "Mật khẩu hiện tại không đúng."
    with pytest.raises(ValidationError) as short:
        office.change_password("tn.hoa", PASSWORD, "ngan")
    assert "8 ký tự" in short.value.message_vi
    with pytest.raises(ValidationError) as same:
        office.change_password("tn.hoa", PASSWORD, PASSWORD)
    assert same.value.message("en") == "The new password must differ from the current one."
    assert office.authenticate("tn.hoa", PASSWORD).username == "tn.hoa"
    assert [c.change for c in office.account_changes("tn.hoa")] == ["created"]


def test_a_deactivated_account_cannot_log_in_and_can_be_reactivated(office: Register) -> None:
    view = office.set_active("tn.hoa", False, "admin")
    assert not view.active
    with pytest.raises(ValidationError) as refused:
        office.authenticate("tn.hoa", PASSWORD)
    assert refused.value.message_vi == "Tên đăng nhập hoặc mật khẩu không đúng."
    with pytest.raises(ValidationError):  # nor change its password
        office.change_password("tn.hoa", PASSWORD, "mat-khau-moi-2026")
    assert {a.username: a.active for a in office.accounts()}["tn.hoa"] is False
    office.set_active("tn.hoa", True, "admin")
    assert office.authenticate("tn.hoa", PASSWORD).role == "receiving"


def test_an_administrator_resets_a_forgotten_password(office: Register) -> None:
    office.reset_password("tn.hoa", "mat-khau-cap-lai", "admin")
    assert office.authenticate("tn.hoa", "mat-khau-cap-lai").username == "tn.hoa"
    with pytest.raises(ValidationError) as own:
        office.reset_password("admin", "mat-khau-cap-lai", "admin")
    assert "Đổi mật khẩu" in own.value.message_vi
    with pytest.raises(NotFoundError):
        office.reset_password("khong.co", "mat-khau-cap-lai", "admin")


def test_only_an_active_administrator_manages_accounts(office: Register) -> None:
    for attempt in (lambda: office.reset_password("tn.hoa", "mat-khau-cap-lai", "ld.son"),
                    lambda: office.set_role("tn.hoa", "admin", "tn.hoa"),
                    lambda: office.set_active("admin", False, "ld.son"),
                    lambda: office.create_account("x.y", "Lê Văn Xuân", "receiving", PASSWORD,
                                                  actor="ld.son")):
        with pytest.raises(ValidationError) as refused:
            attempt()
        assert refused.value.message_vi == "Chỉ quản trị viên được quản lý tài khoản."
    office.set_role("ld.son", "admin", "admin")
    office.set_active("ld.son", False, "admin")
    with pytest.raises(ValidationError):  # a deactivated administrator manages nothing
        office.set_role("tn.hoa", "processing", "ld.son")
    assert {a.username: a.role for a in office.accounts()}["tn.hoa"] == "receiving"


def test_the_last_active_administrator_is_neither_deactivated_nor_demoted(
        office: Register) -> None:
    office.create_account("admin2", "Phạm Văn Hải", "admin", PASSWORD, actor="admin")
    office.set_active("admin2", False, "admin")
    for attempt in (lambda: office.set_active("admin", False, "admin"),
                    lambda: office.set_role("admin", "leader", "admin")):
        with pytest.raises(ValidationError) as refused:
            attempt()
        assert refused.value.message_vi.startswith(
            "admin là quản trị viên duy nhất còn hoạt động")
    office.set_active("admin2", True, "admin")
    # With a second administrator, the first may be demoted, by the other one only.
    with pytest.raises(ValidationError) as own:
        office.set_role("admin", "leader", "admin")
    assert "tài khoản đang dùng" in own.value.message_vi
    assert office.set_role("admin", "leader", "admin2").role == "leader"
    with pytest.raises(ValidationError):
        office.set_active("admin2", False, "admin2")
    assert [a.username for a in office.accounts() if a.role == "admin" and a.active] == [
        "admin2"]


def test_every_change_to_an_account_is_recorded_with_its_actor_and_time(
        office: Register, clock: FixedClock) -> None:
    clock.set(local_time(2026, 11, 17, 8, 15))
    office.set_role("tn.hoa", "processing", "admin")
    clock.set(local_time(2026, 11, 17, 8, 20))
    office.reset_password("tn.hoa", "mat-khau-cap-lai", "admin")
    office.change_password("tn.hoa", "mat-khau-cap-lai", "mat-khau-cua-hoa")
    office.set_active("tn.hoa", False, "admin")
    with pytest.raises(ValidationError):
        office.set_active("tn.hoa", False, "admin")  # a refused change leaves no trace
    trail = office.account_changes("tn.hoa")
    assert [(c.change, c.actor, c.role) for c in trail] == [
        ("created", "admin", "receiving"), ("role_changed", "admin", "processing"),
        ("password_reset", "admin", None), ("password_changed", "tn.hoa", None),
        ("deactivated", "admin", None)]
    assert trail[1].at == local_time(2026, 11, 17, 8, 15)
    assert trail[4].at == local_time(2026, 11, 17, 8, 20)
    assert trail[1].describe() == "đổi vai trò: Công chức xử lý"
    assert trail[1].describe("en") == "role changed: Processing officer"
    assert [c.username for c in office.account_changes()][:3] == ["admin", "tn.hoa", "ld.son"]
    assert office.account_changes()[0].actor == "admin"  # the first account made itself


def test_only_a_password_someone_else_chose_must_be_changed(office: Register) -> None:
    assert not office.authenticate("admin", PASSWORD).must_change_password  # chose it
    office.create_account("tp.duc", "Vũ Minh Đức", "processing", PASSWORD, actor="admin")
    assert office.authenticate("tp.duc", PASSWORD).must_change_password
    office.change_password("tp.duc", PASSWORD, "mat-khau-cua-duc")
    assert not office.authenticate("tp.duc", "mat-khau-cua-duc").must_change_password
    office.reset_password("tp.duc", "mat-khau-cap-lai", "admin")
    assert office.authenticate("tp.duc", "mat-khau-cap-lai").must_change_password
    assert {a.username: a.must_change_password for a in office.accounts()}["tp.duc"]
