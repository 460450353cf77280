"""`motcua` command line: starts the app, or runs a headless command (check, backup, ...)."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from desktop import __version__, paths
from desktop.register.errors import RegisterError

log = logging.getLogger("motcua")


def _open():  # type: ignore[no-untyped-def]
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
    from desktop.register.demo import fill_demo

    with _open() as reg:
        made = fill_demo(reg, args.count, seed=args.seed)
    print((f"Đã tạo {made:,} hồ sơ mẫu." if args.lang == "vi"
           else f"Created {made:,} demo dossiers."))
    return 0


def cmd_setup(args: argparse.Namespace) -> int:
    with _open() as reg:
        info = reg.setup_office(province_code=args.province, commune_code=args.commune,
                                agency_id=args.agency_id, office_name=args.office_name,
                                device_slot=args.device_slot)
    print(f"{info.office_name} — {info.commune.name}, {info.province.name} ({info.agency_id})")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="motcua",
        description="Sổ đăng ký hồ sơ một cửa cấp xã (motcua). Không có lệnh: mở ứng dụng.",
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
    return parser


def setup_logging() -> None:
    from logging.handlers import RotatingFileHandler

    handler = RotatingFileHandler(paths.log_dir() / "motcua.log", maxBytes=2_000_000,
                                  backupCount=5, encoding="utf-8")
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
            from desktop.app import run  # type: ignore[attr-defined]
        except ImportError:
            print("motcua: ứng dụng giao diện chưa có trong phiên bản này; "
                  "xem `motcua --help` cho các lệnh.")
            return 0
        return int(run())
    try:
        return int(args.func(args))
    except RegisterError as exc:
        print(exc.message(args.lang), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
