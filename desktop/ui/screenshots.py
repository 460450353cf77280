"""Render every main screen with demo data to PNG: `python -m desktop.ui.screenshots OUTDIR`.

Runs offscreen in a temporary data folder: a demo register (desktop.demo) seen on
its last demo day, accounts for each role, then each screen grabbed as a user would see it.
Options: --count N (demo dossiers, default 400), --lang en, --register PATH (reuse a file).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


class FixedClock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


ACCOUNTS = (("admin", "Nguyễn Văn Quản", "admin"), ("tn.hoa", "Trần Thị Hoa", "receiving"),
            ("tn.tuan", "Lê Anh Tuấn", "receiving"), ("tn.lan", "Phạm Thị Lan", "receiving"),
            ("tp.quynh", "Đỗ Thị Quỳnh", "processing"), ("tp.duc", "Vũ Minh Đức", "processing"),
            ("tp.phuong", "Hoàng Thu Phương", "processing"), ("ld.son", "Bùi Văn Sơn", "leader"))
PASSWORD = "matkhau123"
QR_SAMPLE = ("001098012345|123456789|Nguyễn Văn Dũng|15031998|Nam|"
             "Số 5 phố Huế, Phường Hai Bà Trưng, Thành phố Hà Nội|01022021")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m desktop.ui.screenshots")
    parser.add_argument("outdir")
    parser.add_argument("--count", type=int, default=400)
    parser.add_argument("--lang", choices=("vi", "en"), default="vi")
    parser.add_argument("--register", help="reuse (or create) this demo register file")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    home = Path(tempfile.mkdtemp(prefix="motcua-shots-"))
    os.environ["MOTCUA_HOME"] = str(home)
    out = Path(args.outdir)
    out.mkdir(parents=True, exist_ok=True)
    Shooter(out, home, args).run()
    print(f"screenshots written to {out}")
    return 0


class Shooter:
    def __init__(self, out: Path, home: Path, args: Any):
        from sync.lifecycle import LOCAL_TZ

        self.out = out
        self.home = home
        self.args = args
        self.clock = FixedClock(datetime(2026, 11, 20, 10, 30, tzinfo=LOCAL_TZ)
                                .astimezone(UTC))
        self.count = 0

    # --- helpers ---------------------------------------------------------------------------

    def settle(self, timeout: float = 20.0) -> None:
        from desktop.ui import ops
        from desktop.ui.qt import QApplication

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            QApplication.processEvents()
            if ops.busy() == 0:
                for _ in range(5):
                    QApplication.processEvents()
                    time.sleep(0.01)
                if ops.busy() == 0:
                    return
            time.sleep(0.01)

    def shot(self, widget: Any, name: str) -> None:
        self.settle()
        widget.repaint()
        self.count += 1
        path = self.out / f"{self.count:02d}-{name}.png"
        widget.grab().save(str(path))
        print(path)

    # --- the run -----------------------------------------------------------------------------

    def run(self) -> None:
        from desktop.app import build
        from desktop.ui import i18n, qt_translations
        from desktop.ui import settings as opts

        app, _controller = build(["motcua-screenshots"])
        settings = opts.UiSettings()
        settings.set(opts.LANGUAGE, self.args.lang)
        i18n.set_language(self.args.lang)
        qt_translations.set_qt_language(app, self.args.lang)
        self.app = app
        self.first_start()
        reg = self.demo_register()
        self.main_screens(reg, settings)

    def first_start(self) -> None:
        from desktop.register.service import Register
        from desktop.ui import settings as opts
        from desktop.ui.login import LoginDialog
        from desktop.ui.wizard import FirstStartWizard

        reg = Register.open(self.home / "empty.sqlite3", clock=self.clock, auto_backup=False)
        wizard = FirstStartWizard(reg, opts.UiSettings())
        wizard.show()
        place = wizard.place
        place.province.edit.setText("ha noi")
        place.province._filter("ha noi")
        place.province._choose(place.province.list.item(0))
        place.commune.edit.setText("hoan kiem")
        place.commune._filter("hoan kiem")
        self.shot(wizard, "first-start-place")
        place.commune._choose(place.commune.list.item(0))
        wizard.next()
        wizard.office.agency_id.setText("000.00.01.H29")
        self.shot(wizard, "first-start-office")
        wizard.next()
        wizard.admin.full_name.setText("Nguyễn Văn Quản")
        wizard.admin.password.setText(PASSWORD)
        wizard.admin.password2.setText("matkhau12")
        wizard.admin.validatePage()
        self.shot(wizard, "first-start-admin-mismatch")
        wizard.close()
        reg.close()
        login = LoginDialog(_StubRegister(), opts.UiSettings(),
                            "Trung tâm Phục vụ hành chính công phường Hoàn Kiếm")
        login.username.setText("tn.hoa")
        login.show()
        self.shot(login, "login")
        login.close()

    def demo_register(self) -> Any:
        from desktop.demo import fill_demo
        from desktop.register.service import Register

        path = Path(self.args.register) if self.args.register else self.home / "demo.sqlite3"
        fresh = not path.exists()
        reg = Register.open(path, clock=self.clock, auto_backup=False)
        if fresh:
            print(f"filling {self.args.count} demo dossiers (a minute)…")
            fill_demo(reg, self.args.count)
            self.morning_queue(reg)
        existing = {a.username for a in reg.accounts()}
        for username, name, role in ACCOUNTS:
            if username not in existing:
                reg.create_account(username, name, role, PASSWORD,
                                   actor="admin" if existing or username != "admin" else None,
                                   must_change_password=False)
                existing.add(username)
        return reg

    def morning_queue(self, reg: Any) -> None:
        """This morning's visitors, so that "today" on the home screen is not empty."""
        from datetime import timedelta

        from desktop.register.views import ApplicantInput, DossierInput
        from sync.lifecycle import LOCAL_TZ

        people = (("Nguyễn Thị Mai", "001189034567", "12/04/1989", "Nữ"),
                  ("Trần Văn Hùng", "001082045678", "03/09/1982", "Nam"),
                  ("Lê Thị Thu Hằng", "001195056789", "21/12/1995", "Nữ"),
                  ("Phạm Quốc Bảo", "001001067890", "30/01/2001", "Nam"),
                  ("Vũ Ngọc Ánh", "001300078901", "08/06/2000", "Nữ"))
        procedures = ("certified_copy", "signature_certification", "marital_status_confirmation",
                      "certified_copy", "civil_status_extract_copy")
        catalogue = reg.catalogue()
        start = self.clock.now.astimezone(LOCAL_TZ).replace(hour=7, minute=40)
        inputs, times = [], []
        for i, ((name, idn, born, sex), code) in enumerate(zip(people, procedures)):
            proc = catalogue.procedure(code)
            fee = 0 if proc.fee.amount is None and not proc.fee.per_page else None
            inputs.append(DossierInput(
                procedure_code=code, documents=tuple(d.code for d in proc.documents
                                                     if d.required), fee_amount=fee,
                applicant=ApplicantInput(full_name=name, id_number=idn, birth_date=born,
                                         sex=sex, phone=f"09123{i:05d}",
                                         address="Số 12 phố Hàng Bạc, Phường Hoàn Kiếm")))
            times.append((start + timedelta(minutes=25 * i)).astimezone(UTC))
        reg.receive_many(inputs, "tn.hoa", times)

    def context(self, reg: Any, settings: Any, username: str) -> Any:
        from desktop.ui.context import AppContext, Bus
        from desktop.ui.printing import PrintService, save_pdf_presenter

        user = reg.authenticate(username, PASSWORD)
        printer = PrintService(reg, settings, save_pdf_presenter(self.home / "printed"))
        return AppContext(reg, user, settings, printer, Bus(), reg.catalogue())

    def main_screens(self, reg: Any, settings: Any) -> None:
        from desktop.register.queries import DossierFilter
        from desktop.ui.dossier import DossierWindow
        from desktop.ui.logbooks import LogbooksPage
        from desktop.ui.main_window import MainWindow
        from desktop.ui.printing import PdfPreviewDialog, make_form_pdf
        from desktop.ui.receive import ReceiveDialog
        from desktop.ui.settings_dialog import SettingsDialog
        from sync.lifecycle import Status

        ctx = self.context(reg, settings, "admin")
        window = MainWindow(settings)
        window.resize(1366, 800)
        window.set_context(ctx)
        window.show()
        self.settle()
        self.shot(window, "home-due-today")
        window.home.show_list("overdue")
        self.shot(window, "home-overdue")
        window.go_list()
        self.shot(window, "dossier-list")
        page = window.list_page
        page.due.setCurrentIndex(page.due.findData("overdue"))
        self.shot(window, "dossier-list-overdue-filter")
        page.reset_filters()
        page.search_box.setText("nguyen thi")
        page.run_search("nguyen thi")
        self.shot(window, "dossier-list-search-no-accents")
        window.go_books()
        assert isinstance(window.logbooks, LogbooksPage)
        books = window.logbooks
        books.select_kind("XNHN")
        self.settle()
        books.year.setValue(2026)
        self.shot(window, "logbooks")
        books.close_button.click()  # 20 November: refused, the year is not over
        self.shot(window, "logbooks-closing-refused")
        books.year.setValue(2025)
        self.shot(window, "logbooks-closed-year")
        window.change_password()
        self.shot(window.password_dialog, "change-password")
        window.password_dialog.close()

        receive = ReceiveDialog(ctx, window)
        receive.show()
        self.shot(receive, "receive-empty")
        receive.picker.edit.setText("xac nhan hon nhan")
        receive.picker._filter("xac nhan hon nhan")
        self.shot(receive, "receive-procedure-search")
        receive.picker._choose(receive.picker.list.item(0))
        for row in range(receive.documents.count()):
            item = receive.documents.item(row)
            if item.data(0x0100 + 1):
                from desktop.ui.qt import Qt

                item.setCheckState(Qt.CheckState.Checked)
        receive.fill_from_qr(QR_SAMPLE)
        receive.phone.setText("0912345678")
        self.settle()
        self.shot(receive, "receive-filled")
        receive.save(print_after=False)
        self.settle()
        self.shot(receive, "receive-saved")
        code = receive.view.code if receive.view else None
        receive.hide()

        rows = reg.list_dossiers(DossierFilter(statuses=(int(Status.PROCESSING),)), limit=1)
        if rows:
            dossier = DossierWindow(ctx, rows[0].uid, window)
            dossier.show()
            self.shot(dossier, "dossier-processing")
            dossier.tabs.setCurrentIndex(2)
            self.shot(dossier, "dossier-timeline")
            dossier.close()
        rows = reg.list_dossiers(DossierFilter(statuses=(int(Status.RETURNED),)), limit=1)
        if rows:
            dossier = DossierWindow(ctx, rows[0].uid, window)
            dossier.show()
            self.shot(dossier, "dossier-returned-explained")
            dossier.close()
        if code:
            dossier = DossierWindow(ctx, code, window)
            dossier.show()
            self.settle()
            dialog = dossier.step_dialog("request_supplement", dossier.view,
                                         dossier.availability["request_supplement"])
            if dialog is not None:
                dialog.set_value("items", ["Bản sao Giấy khai sinh", "Giấy xác nhận cư trú"])
                dialog.show()
                self.shot(dialog, "step-request-supplement")
                dialog.close()
            dialog = dossier.step_dialog("correct_details", dossier.view,
                                         dossier.availability["correct_details"])
            if dialog is not None:
                dialog.set_value("reason", "Gõ nhầm số điện thoại khi tiếp nhận")
                dialog.show()
                self.shot(dialog, "step-correct-applicant")
                dialog.close()
            try:
                data = make_form_pdf(reg, code, "receipt", None, "A4")
                preview = PdfPreviewDialog(window, data, "Giấy tiếp nhận", f"{code}.pdf",
                                           settings)
                preview.show()
                self.shot(preview, "print-preview-receipt")
                preview.close()
            except Exception as exc:  # noqa: BLE001 - screenshots go on without a preview
                print(f"print preview skipped: {exc}", file=sys.stderr)
            dossier.close()

        if any(a.username == "tp.phuong" and a.active for a in reg.accounts()):
            reg.set_active("tp.phuong", False, "admin")  # a transferred officer
        dialog = SettingsDialog(ctx, window)
        dialog.show()
        self.shot(dialog, "settings-general")
        for index, name in ((1, "settings-office"), (2, "settings-calendar"),
                            (3, "settings-accounts")):
            if index < dialog.tabs.count():
                dialog.tabs.setCurrentIndex(index)
                self.shot(dialog, name)
        select_account(dialog, "tp.phuong")
        self.shot(dialog, "settings-accounts-deactivated-selected")
        dialog.close()
        self.qt_message_box(window)
        window.close()

        officer = self.context(reg, settings, "tn.hoa")
        window2 = MainWindow(settings)
        window2.resize(1366, 800)
        window2.set_context(officer)
        window2.show()
        self.shot(window2, "home-receiving-officer")
        rows = reg.list_dossiers(DossierFilter(statuses=(int(Status.PROCESSING),)), limit=1)
        if rows:
            dossier = DossierWindow(officer, rows[0].uid, window2)
            dossier.show()
            self.shot(dossier, "dossier-receiving-officer")
            dossier.close()
        window2.close()

        from desktop.ui.errors import BugDialog

        bug = BugDialog(None, "Traceback (most recent call last):\n  File \"…\", line 1\n"
                        "ZeroDivisionError: division by zero")
        bug.show()
        self.shot(bug, "unexpected-error")
        bug.close()


    def qt_message_box(self, parent: Any) -> None:
        """A question Qt itself asks (a file dialog's), with Qt's standard buttons."""
        from desktop.ui.qt import QApplication, QMessageBox

        text = QApplication.translate(
            "QFileDialog", "%1 already exists.\nDo you want to replace it?").replace(
            "%1", "000.00.01.H29-261120-0001.pdf")
        buttons = QMessageBox.StandardButton
        box = QMessageBox(QMessageBox.Icon.Warning, "motcua", text,
                          buttons.Yes | buttons.No | buttons.Cancel, parent)
        box.show()
        self.shot(box, "qt-message-box")
        box.close()


def select_account(dialog: Any, username: str) -> None:
    for row, account in enumerate(dialog.accounts_shown):
        if account.username == username:
            dialog.accounts_table.selectRow(row)


class _StubRegister:
    def authenticate(self, *a: Any) -> Any:
        raise RuntimeError("not used")


if __name__ == "__main__":
    sys.exit(main())
