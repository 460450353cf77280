"""`motcua-server run` (the HTTP server) and `motcua-server admin ...` (offices, codes, rules)."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sync.server.config import normalise_db_url
from sync.server.errors import AdminError
from sync.server.ratelimit import DEVICE_RATE, ENROLL_RATE, Rate

log = logging.getLogger("sync.server")

DB_HELP = ("database URL (postgresql://user:pass@host/db) or SQLite file path; default "
           "$MOTCUA_SERVER_DB, else motcua-server.sqlite3 in $MOTCUA_SERVER_HOME or the user "
           "data folder")


def _open_store(db: str | None) -> Any:
    from sync.server.db import make_engine, migrate
    from sync.server.store import ServerStore

    engine = make_engine(normalise_db_url(db))
    migrate(engine)
    return ServerStore(engine)


def _rate(text: str) -> Rate:
    try:
        return Rate.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def cmd_run(args: argparse.Namespace) -> int:
    import uvicorn

    from sync.server.app import create_app

    store = _open_store(args.db)
    log.info("database %s, epoch %s", store.engine.url.render_as_string(hide_password=True),
             store.epoch)
    app = create_app(store, device_rate=args.device_rate, enroll_rate=args.enroll_rate)
    uvicorn.run(app, host=args.host, port=args.port,
                log_level=args.log_level.lower(), timeout_graceful_shutdown=5,
                server_header=False, ssl_certfile=args.ssl_certfile,
                ssl_keyfile=args.ssl_keyfile)
    return 0


def cmd_add_office(args: argparse.Namespace) -> int:
    office = _open_store(args.db).add_office(args.province_code, args.commune_code,
                                             args.agency_id or "", args.name)
    print(office.office_id)
    print(f"{office.name} (province {office.province_code}, commune {office.commune_code})",
          file=sys.stderr)
    return 0


def cmd_enroll_code(args: argparse.Namespace) -> int:
    code, expires = _open_store(args.db).make_enroll_code(args.office_id, args.ttl_hours)
    print(code)
    print(f"one-time code for office {args.office_id}, valid until {expires} (UTC)",
          file=sys.stderr)
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    device = _open_store(args.db).revoke(args.device_id)
    print(f"device {device.device_id} of office {device.office_id} revoked at "
          f"{device.revoked_at}")
    return 0


def _read_json(path: str) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise AdminError(f"Cannot read {path}: {exc.strerror}.") from None
    except ValueError as exc:
        raise AdminError(f"{path} is not valid JSON: {exc}.") from None


def cmd_publish(kind: str) -> Any:
    def run(args: argparse.Namespace) -> int:
        seq, version = _open_store(args.db).publish(kind, _read_json(args.file))
        print(f"{kind} {version} published (sequence {seq})")
        return 0
    return run


def cmd_agency_event(args: argparse.Namespace) -> int:
    event = _open_store(args.db).agency_event(
        args.dossier, args.office, args.kind, args.unit, outcome=args.outcome,
        note=args.note or "", to_unit=args.to_unit)
    print(event["uid"])
    print(f"{event['kind']} recorded on dossier {event['stream']} by {event['device_id']}",
          file=sys.stderr)
    return 0


def cmd_list_offices(args: argparse.Namespace) -> int:
    for o in _open_store(args.db).offices():
        print(f"{o.office_id}\t{o.province_code}\t{o.commune_code}\t{o.agency_id}\t{o.name}")
    return 0


def cmd_list_devices(args: argparse.Namespace) -> int:
    for d in _open_store(args.db).devices(args.office):
        state = f"revoked {d.revoked_at}" if d.revoked_at else "active"
        print(f"{d.device_id}\t{d.office_id}\tslot {d.slot}\thead {d.head_seq}\t{state}\t"
              f"{d.name}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from datetime import date

    from reports import ReportParams, report_json
    from reports.xlsx import write_xlsx
    from sync.server.reports import compute_report

    try:
        params = ReportParams(date.fromisoformat(args.date_from), date.fromisoformat(args.date_to),
                              field=args.field, procedure=args.procedure, officer=args.officer)
    except ValueError:
        raise AdminError("--from and --to are dates (YYYY-MM-DD), --from not after --to.") \
            from None
    report, meta = compute_report(_open_store(args.db), args.kind, params, office=args.office,
                                  province=args.province)
    if args.format == "json":
        data = (json.dumps(report_json(report, meta), ensure_ascii=False, indent=1) + "\n"
                ).encode("utf-8")
    else:
        data = write_xlsx(report, meta)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(out)
    print(f"{args.kind} report written to {out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="motcua-server",
                                     description="motcua reference province server")
    parser.add_argument("--log-level", default="INFO",
                        choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="serve the sync API (migrates the database first)")
    run.add_argument("--db", help=DB_HELP)
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=8000)
    run.add_argument("--ssl-certfile", help="serve HTTPS with this certificate (PEM chain)")
    run.add_argument("--ssl-keyfile", help="the certificate's private key (PEM)")
    run.add_argument("--device-rate", type=_rate, default=DEVICE_RATE, metavar="RATE",
                     help="requests per enrolled PC, e.g. 20/s:200 (rate:burst; default "
                          "20/s:200); over it the answer is 429 with Retry-After")
    run.add_argument("--enroll-rate", type=_rate, default=ENROLL_RATE, metavar="RATE",
                     help="enrollment requests per client address (default 1/s:30)")
    run.set_defaults(func=cmd_run)

    # --db is accepted before or after the admin subcommand.
    db_option = argparse.ArgumentParser(add_help=False)
    db_option.add_argument("--db", default=argparse.SUPPRESS, help=DB_HELP)
    admin = sub.add_parser("admin", help="offices, enrollment codes, devices, publications")
    admin.add_argument("--db", help=DB_HELP)
    tasks = admin.add_subparsers(dest="task", required=True)

    p = tasks.add_parser("add-office", parents=[db_option],
                         help="create a commune office (prints its id)")
    p.add_argument("province_code", type=int)
    p.add_argument("commune_code", type=int)
    p.add_argument("--agency-id", help="the office's electronic agency id (e.g. 000.00.01.H29)")
    p.add_argument("--name", help='default "Bộ phận một cửa <commune>"')
    p.set_defaults(func=cmd_add_office)

    p = tasks.add_parser("enroll-code", parents=[db_option],
                         help="make a one-time enrollment code (prints it)")
    p.add_argument("office_id")
    p.add_argument("--ttl-hours", type=float, default=72.0)
    p.set_defaults(func=cmd_enroll_code)

    p = tasks.add_parser("revoke", parents=[db_option], help="revoke a device's token")
    p.add_argument("device_id")
    p.set_defaults(func=cmd_revoke)

    p = tasks.add_parser("publish-catalogue", parents=[db_option],
                         help="publish a procedure catalogue (JSON)")
    p.add_argument("file")
    p.set_defaults(func=cmd_publish("catalogue"))

    p = tasks.add_parser("publish-calendar", parents=[db_option],
                         help="publish calendar overrides (format of resources/calendar/*.json)")
    p.add_argument("file")
    p.set_defaults(func=cmd_publish("calendar"))

    p = tasks.add_parser("agency-event", parents=[db_option],
                         help="record an agency's update on a transferred dossier")
    p.add_argument("dossier", help="the dossier's uid or code")
    p.add_argument("--office", required=True, help="the office the dossier belongs to")
    p.add_argument("--kind", required=True, choices=["handed_over", "processed"])
    p.add_argument("--unit", required=True, help='the agency, e.g. "Công an xã ..."')
    p.add_argument("--outcome", choices=["approved", "rejected"],
                   help="for --kind processed")
    p.add_argument("--note", default="")
    p.add_argument("--to-unit", help="for --kind handed_over: the receiving unit "
                                     "(default: the office)")
    p.set_defaults(func=cmd_agency_event)

    p = tasks.add_parser("report", parents=[db_option],
                         help="a report of one office or of every office of a province")
    p.add_argument("kind", choices=["handling", "late", "index", "satisfaction", "fees"])
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--office", help="one office's id")
    which.add_argument("--province", type=int, help="every office of the province (code)")
    p.add_argument("--from", dest="date_from", required=True, help="YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", required=True, help="YYYY-MM-DD")
    p.add_argument("--format", choices=["json", "xlsx"], default="json")
    p.add_argument("--out", required=True)
    p.add_argument("--field")
    p.add_argument("--procedure")
    p.add_argument("--officer")
    p.set_defaults(func=cmd_report)

    p = tasks.add_parser("list-offices", parents=[db_option], help="list the offices")
    p.set_defaults(func=cmd_list_offices)

    p = tasks.add_parser("list-devices", parents=[db_option], help="list enrolled devices")
    p.add_argument("--office")
    p.set_defaults(func=cmd_list_devices)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=getattr(logging, args.log_level),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    if args.command == "admin":
        # Admin output is for the operator; the library's info lines would only be noise.
        logging.getLogger("sync.server").setLevel(logging.WARNING)
        logging.getLogger("alembic").setLevel(logging.WARNING)
    from sqlalchemy.exc import OperationalError

    try:
        return int(args.func(args))
    except AdminError as exc:
        print(f"motcua-server: {exc}", file=sys.stderr)
        return 1
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else ""
        print(f"motcua-server: cannot use the database: {reason}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
