"""`motcua` command line: starts the app, or runs a headless command (check, backup, ...).

An expected failure (a `KnownError`: bad input, a refused step, a locked register, a full
disk, ...) is printed as its message in the chosen language (`--lang`) on stderr, without a
traceback, and the command exits with one of the codes in `EXIT_CODES`. Anything else is a
bug and shows its traceback.
"""

from __future__ import annotations

import argparse
import logging
import sqlite3
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from desktop import __version__, paths
from desktop.register.errors import StorageError, storage_error
from sync.errors import KnownError

if TYPE_CHECKING:
    from desktop.register.service import Register

log = logging.getLogger("motcua")

EXIT_OK = 0
EXIT_CHECK_FAILED = 1  # `motcua check` found a problem
EXIT_REFUSED = 2  # a known error: the input, the register's state or the rules refused it
EXIT_SYNC_RETRY = 3  # sync did not finish; it is retried later
EXIT_SYNC_ACTION = 4  # sync needs a person (enrollment, revoked device, ...)
EXIT_STORAGE = 5  # the register file cannot be used: locked, disk full, read-only, damaged
EXIT_CODES = {
    EXIT_OK: ("xong", "done"),
    EXIT_CHECK_FAILED: ("kiểm tra phát hiện lỗi", "the check found a problem"),
    EXIT_REFUSED: ("không thực hiện được (thông báo nói lý do)",
                   "refused (the message says why)"),
    EXIT_SYNC_RETRY: ("đồng bộ chưa xong, sẽ thử lại", "sync unfinished, will retry"),
    EXIT_SYNC_ACTION: ("đồng bộ cần người xử lý", "sync needs a person"),
    EXIT_STORAGE: ("không dùng được tệp sổ đăng ký (đang bị giữ, đầy ổ đĩa, chỉ đọc, hỏng)",
                   "the register file cannot be used (locked, disk full, read-only, damaged)"),
}


def exit_code_for(exc: KnownError) -> int:
    """The documented exit code of a known error."""
    return EXIT_STORAGE if isinstance(exc, StorageError) else EXIT_REFUSED


def _open() -> Register:
    from desktop.register.service import Register

    return Register.open()


def cmd_check(args: argparse.Namespace) -> int:
    with _open() as reg:
        report = reg.check()
    print(report.text(args.lang))
    return 0 if report.ok else 1


def cmd_backup(args: argparse.Namespace) -> int:
    with _open() as reg:
        dest = reg.backup(Path(args.path))
    print(("Đã sao lưu sổ đăng ký vào " if args.lang == "vi" else "Register backed up to ")
          + str(dest))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from desktop.register.backup import restore

    restore(Path(args.path), paths.register_path(), paths.backup_dir())
    print(("Đã khôi phục sổ đăng ký từ " if args.lang == "vi" else "Register restored from ")
          + args.path)
    return 0


def cmd_demo_data(args: argparse.Namespace) -> int:
    from desktop.demo import fill_demo

    with _open() as reg:
        made = fill_demo(reg, args.count, seed=args.seed)
    print(f"Đã tạo {made:,} hồ sơ mẫu." if args.lang == "vi"
           else f"Created {made:,} demo dossiers.")
    return 0


def cmd_setup(args: argparse.Namespace) -> int:
    with _open() as reg:
        info = reg.setup_office(province_code=args.province, commune_code=args.commune,
                                agency_id=args.agency_id, office_name=args.office_name,
                                device_slot=args.device_slot)
    print(f"{info.office_name} — {info.commune.name}, {info.province.name} ({info.agency_id})")
    return 0


def cmd_print(args: argparse.Namespace) -> int:
    from desktop.printing import print_form

    with _open() as reg:
        path = print_form(reg, args.code, args.form, Path(args.out))
    print((f"Đã in mẫu số {args.form} của hồ sơ {args.code} ra " if args.lang == "vi"
           else f"Printed form {args.form} of dossier {args.code} to ") + str(path))
    return 0


def cmd_print_book(args: argparse.Namespace) -> int:
    from desktop.printing import print_book

    with _open() as reg:
        path = print_book(reg, args.kind, args.year, args.volume, Path(args.out))
    print((f"Đã in sổ {args.kind} năm {args.year} ra " if args.lang == "vi"
           else f"Printed the {args.kind} book of {args.year} to ") + str(path))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from desktop.reporting import parse_day, write_report
    from reports import ReportParams

    try:
        params = ReportParams(parse_day(args.date_from), parse_day(args.date_to),
                              field=args.field, procedure=args.procedure, officer=args.officer)
    except ValueError:
        _say(args.lang, "Khoảng ngày không hợp lệ (dùng NNNN-TT-NN hoặc NN/TT/NNNN; từ ngày "
             "phải trước đến ngày).", "Invalid dates (YYYY-MM-DD or DD/MM/YYYY; --from must "
             "not be after --to).", err=True)
        return EXIT_REFUSED
    with _open() as reg:
        path, _ = write_report(reg, args.kind, params, args.format, Path(args.out),
                               signer_name=args.signer or "")
    _say(args.lang, f"Đã lập báo cáo {args.kind} ra {path}",
         f"Wrote the {args.kind} report to {path}")
    return 0


def _say(lang: str, vi: str, en: str, *, err: bool = False) -> None:
    print(vi if lang == "vi" else en, file=sys.stderr if err else sys.stdout)


def cmd_enroll(args: argparse.Namespace) -> int:
    from desktop.register.syncstore import RegisterSyncStore
    from sync.client import HttpTransport, SyncError, enroll
    from sync.credentials import CredentialError, CredentialStore

    ca_bundle = None
    if args.ca_bundle:
        ca = Path(args.ca_bundle).expanduser().resolve()
        if not ca.is_file():
            _say(args.lang, f"Không tìm thấy tệp chứng chỉ CA: {ca}",
                 f"CA bundle not found: {ca}", err=True)
            return 2
        ca_bundle = str(ca)
    credentials = CredentialStore()
    with _open() as reg:
        try:
            transport = HttpTransport(args.url, ca_bundle=ca_bundle)
            try:
                result = enroll(RegisterSyncStore(reg), transport, credentials, args.code,
                                ca_bundle=ca_bundle, clock=reg.clock)
            finally:
                transport.close()
        except (SyncError, CredentialError) as exc:
            _say(args.lang, "Không đăng ký được máy: " + exc.message_vi,
                 "Enrollment failed: " + exc.message_en, err=True)
            return EXIT_SYNC_RETRY
        info = reg.office()
    office = result.office
    _say(args.lang,
         f"Đã đăng ký máy với máy chủ {result.server_url}: {office.name} "
         f"(mã {office.office_id}, {info.commune.name}), máy số {result.device_slot}.",
         f"Enrolled with {result.server_url}: {office.name} (office {office.office_id}, "
         f"{info.commune.name}), device slot {result.device_slot}.")
    _say(args.lang, f"Mã xác thực được lưu trong: {result.token_where}",
         f"The device token is kept in: {result.token_where}")
    if result.keyring_warning:
        vi, en = result.keyring_warning
        _say(args.lang, "Cảnh báo: " + vi, "Warning: " + en, err=True)
    if result.clock_skew_s is not None and abs(result.clock_skew_s) > 300:
        from sync.client import _format_skew

        vi, en = _format_skew(result.clock_skew_s)
        _say(args.lang, "Cảnh báo: " + vi, "Warning: " + en, err=True)
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    from desktop.register.syncstore import RegisterSyncStore
    from sync.client import SyncError, engine_for
    from sync.credentials import CredentialStore

    with _open() as reg:
        store = RegisterSyncStore(reg)
        try:
            engine = engine_for(store, CredentialStore(), clock=reg.clock,
                                transport_options={"stall_timeout_s": args.timeout,
                                                   "connect_timeout_s": min(args.timeout, 15)})
        except SyncError as exc:
            _say(args.lang, "Chưa đồng bộ được: " + exc.message_vi,
                 "Sync could not run: " + exc.message_en, err=True)
            return EXIT_SYNC_ACTION
        try:
            result = engine.run_once()
        finally:
            engine.transport.close()
    for notice in result.warnings:
        _say(args.lang, "Cảnh báo: " + notice.message_vi, "Warning: " + notice.message_en,
             err=True)
    if result.ok:
        print(result.message(args.lang))
        for r in result.rejected[:20]:
            _say(args.lang, f"Máy chủ từ chối sự kiện {r.uid}: {r.code} ({r.message})",
                 f"The server refused event {r.uid}: {r.code} ({r.message})", err=True)
        return 0
    err = result.error
    assert err is not None
    _say(args.lang,
         f"Đồng bộ chưa xong (bước {err.stage.value}): {err.message_vi} "
         f"Đã gửi {result.pushed}, đã nhận {result.pulled}; còn {result.pending} sự kiện chờ "
         "gửi, sẽ gửi ở lần đồng bộ sau.",
         f"Sync did not finish (stage {err.stage.value}): {err.message_en} Sent "
         f"{result.pushed}, received {result.pulled}; {result.pending} events wait for the "
         "next sync.", err=True)
    return EXIT_SYNC_RETRY if err.transient else EXIT_SYNC_ACTION


def cmd_keyring_selftest(args: argparse.Namespace) -> int:
    """Hidden (installer/check): a dummy secret set, read and deleted through sync.credentials,
    so that a frozen build proves it carries a working keyring backend."""
    import secrets

    import keyring.backend

    from sync.credentials import CredentialError, CredentialStore

    store = CredentialStore()
    info = store.info()
    url, device, secret = "https://keyring-selftest.invalid", "selftest", secrets.token_hex(16)
    available = sorted(f"{type(b).__module__}.{type(b).__name__}"
                       for b in keyring.backend.get_all_keyring())
    print("keyring backends: " + ", ".join(available))
    print(f"keyring backend in use: {info.name} ({info.where}); secure: {info.secure}")
    try:
        store.set_token(url, device, secret)
        ok = store.get_token(url, device) == secret
        ok = store.delete_token(url, device) and ok
        ok = store.get_token(url, device) is None and ok
    except CredentialError as exc:
        print("keyring round-trip failed: " + exc.message_en, file=sys.stderr)
        return 1
    print("keyring round-trip: " + ("ok" if ok else "FAILED"))
    return 0 if ok else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="motcua",
        description="Sổ đăng ký hồ sơ một cửa cấp xã (motcua). Không có lệnh: mở ứng dụng.",
        epilog="Mã thoát / exit codes: " + "; ".join(
            f"{code} {vi} / {en}" for code, (vi, en) in EXIT_CODES.items()),
    )
    parser.add_argument("--version", action="version", version=f"motcua {__version__}")
    parser.add_argument("--lang", choices=("vi", "en"), default="vi",
                        help="ngôn ngữ thông báo / message language")
    sub = parser.add_subparsers(dest="command", metavar="LỆNH")

    p = sub.add_parser("check", help="kiểm tra toàn vẹn sổ đăng ký và dựng lại dữ liệu từ sự kiện")
    p.set_defaults(func=cmd_check)
    p = sub.add_parser("backup", help="sao lưu sổ đăng ký khi đang dùng")
    p.add_argument("path")
    p.set_defaults(func=cmd_backup)
    p = sub.add_parser("restore", help="khôi phục sổ đăng ký từ một bản sao lưu đã kiểm tra")
    p.add_argument("path")
    p.set_defaults(func=cmd_restore)
    p = sub.add_parser("demo-data", help="tạo N hồ sơ mẫu (tổng hợp, có thể lặp lại)")
    p.add_argument("count", type=int)
    p.add_argument("--seed", type=int, default=2026)
    p.set_defaults(func=cmd_demo_data)
    p = sub.add_parser("setup", help="khai báo cơ quan: tỉnh, xã, mã định danh, tên bộ phận")
    p.add_argument("--province", type=int, required=True)
    p.add_argument("--commune", type=int, required=True)
    p.add_argument("--agency-id", required=True)
    p.add_argument("--office-name", required=True)
    p.add_argument("--device-slot", type=int, default=1)
    p.set_defaults(func=cmd_setup)
    p = sub.add_parser("enroll", help="đăng ký máy với máy chủ tỉnh bằng mã dùng một lần")
    p.add_argument("url", help="địa chỉ máy chủ tỉnh, https://...")
    p.add_argument("code", help="mã đăng ký máy do quản trị tỉnh cấp")
    p.add_argument("--ca-bundle", help="tệp chứng chỉ CA của tỉnh (PEM), nếu tỉnh tự cấp")
    p.set_defaults(func=cmd_enroll)
    p = sub.add_parser("sync", help="đồng bộ một lần với máy chủ tỉnh (mã thoát 0: xong; "
                                    "3: chưa xong, thử lại sau; 4: cần người xử lý)")
    p.add_argument("--timeout", type=float, default=30.0,
                   help="số giây không nhận được dữ liệu thì coi là treo (mặc định 30)")
    p.set_defaults(func=cmd_sync)
    p = sub.add_parser("print", help="in một phiếu của hồ sơ (Mẫu 01–06) ra tệp PDF")
    p.add_argument("code", metavar="MÃ_HỒ_SƠ")
    p.add_argument("--form", required=True, metavar="NN",
                   help="số mẫu: 01 giấy tiếp nhận, 02 bổ sung, 03 từ chối, 04 xin lỗi, "
                        "05 dừng, 06 kiểm soát")
    p.add_argument("--out", required=True, metavar="TỆP.pdf")
    p.set_defaults(func=cmd_print)
    p = sub.add_parser("print-book", help="in cả quyển sổ (hộ tịch, chứng thực, theo dõi) ra PDF")
    p.add_argument("kind", metavar="LOẠI_SỔ", help="mã loại sổ: KS, KH, KT, SCT_BS, STD, ...")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--volume", type=int, default=None, help="quyển số (khi năm có nhiều quyển)")
    p.add_argument("--out", required=True, metavar="TỆP.pdf")
    p.set_defaults(func=cmd_print_book)
    p = sub.add_parser("report", help="lập báo cáo (tình hình giải quyết, quá hạn, chỉ số 766, "
                                      "hài lòng, phí) ra PDF, Excel hoặc JSON")
    p.add_argument("kind", choices=("handling", "late", "index", "satisfaction", "fees"),
                   metavar="LOẠI", help="handling | late | index | satisfaction | fees")
    p.add_argument("--from", dest="date_from", required=True, metavar="NGÀY")
    p.add_argument("--to", dest="date_to", required=True, metavar="NGÀY")
    p.add_argument("--format", choices=("pdf", "xlsx", "json"), default="pdf")
    p.add_argument("--out", required=True, metavar="TỆP")
    p.add_argument("--field", help="mã lĩnh vực, ví dụ HO_TICH")
    p.add_argument("--procedure", help="mã thủ tục, ví dụ birth_registration")
    p.add_argument("--officer", help="tên đăng nhập của cán bộ (hồ sơ cán bộ đã xử lý)")
    p.add_argument("--signer", help="họ tên thủ trưởng ký báo cáo (PDF)")
    p.set_defaults(func=cmd_report)
    p = sub.add_parser("keyring-selftest")  # no help=: hidden from `motcua --help`
    p.set_defaults(func=cmd_keyring_selftest)
    return parser


def setup_logging() -> None:
    from logging.handlers import RotatingFileHandler

    # A log that cannot be written (a full disk, a read-only folder) must not bury the
    # command's own message under logging's tracebacks: the command goes on without it.
    logging.raiseExceptions = False
    try:
        handler = RotatingFileHandler(paths.log_dir() / "motcua.log", maxBytes=2_000_000,
                                      backupCount=5, encoding="utf-8")
    except OSError:
        return
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    setup_logging()
    if args.command is None:
        try:
            from desktop.app import run
        except ImportError:
            print("motcua: ứng dụng giao diện chưa có trong phiên bản này; "
                  "xem `motcua --help` cho các lệnh.")
            return 0
        return int(run())
    try:
        return int(args.func(args))
    except KnownError as exc:
        # Expected: the message says what to do; no traceback. A bug propagates and shows one.
        return _refused(exc, args.lang)
    except sqlite3.DatabaseError as exc:  # raw SQLite, outside the register's session helpers
        mapped = storage_error(exc)
        if mapped is None:
            raise
        return _refused(mapped, args.lang)


def _refused(exc: KnownError, lang: str) -> int:
    log.info("refused (%s): %s", type(exc).__name__, exc.message_en)
    print(exc.message(lang), file=sys.stderr)
    return exit_code_for(exc)


if __name__ == "__main__":
    sys.exit(main())
