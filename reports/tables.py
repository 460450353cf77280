"""The reports as titled tables (one per sheet or PDF section), and the Excel writer.

`tabulate(report)` turns any report of the reports package into plain `Table`s with Vietnamese
headings and typed columns; the PDF renderer (forms/reports.py, through desktop/reporting.py)
and `reports.xlsx.write_xlsx` both print these, so the paper, the spreadsheet and the JSON show the same
figures. Nothing here imports `desktop` (the server writes spreadsheets too).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from reports.board import Report
from reports.handling import HandlingReport, HandlingRow, LateReport
from reports.index import IndexReport
from reports.params import RATING_LABELS
from reports.satisfaction import FeeRow, FeesReport, RatingRow, SatisfactionReport
from sync.lifecycle import LOCAL_TZ

# Column kinds: text, key (a code: in spreadsheets only, not on paper), int, share (0..1,
# printed as a percentage), money (đồng), points, instant (UTC text, printed in local time),
# day ("YYYY-MM-DD"), bool.
KINDS = ("text", "key", "int", "share", "money", "points", "instant", "day", "bool")

TITLES = {
    "handling": "Báo cáo tình hình tiếp nhận và giải quyết hồ sơ thủ tục hành chính",
    "late": "Danh sách hồ sơ giải quyết quá hạn",
    "index": "Chỉ số chất lượng phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg)",
    "satisfaction": "Báo cáo đánh giá mức độ hài lòng và phản ánh, kiến nghị",
    "fees": "Báo cáo thu phí, lệ phí thủ tục hành chính",
}


@dataclass(frozen=True)
class Column:
    title: str
    kind: str = "int"
    width: float = 10.0  # relative width (PDF) and character width (Excel)


@dataclass(frozen=True)
class Table:
    """A titled table; `sheet` is its Excel sheet name (≤ 31 characters)."""

    sheet: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]
    total_rows: int = 0  # how many leading rows are totals (printed bold)
    note: str = ""


def period_text(report: Report) -> str:
    p = report.params
    text = f"Từ ngày {p.date_from:%d/%m/%Y} đến ngày {p.date_to:%d/%m/%Y}"
    filters = [f"lĩnh vực {p.field}" if p.field else "",
               f"thủ tục {p.procedure}" if p.procedure else "",
               f"cán bộ {p.officer}" if p.officer else ""]
    chosen = [f for f in filters if f]
    return text + (f" ({'; '.join(chosen)})" if chosen else "")


# --------------------------------------------------------------------------- per report

_HANDLING_COLUMNS = (
    Column("Mã", "key", 14), Column("Lĩnh vực / thủ tục", "text", 34),
    Column("Kỳ trước chuyển qua"), Column("Tiếp nhận trong kỳ"), Column("Trực tiếp"),
    Column("Trực tuyến"), Column("Bưu chính"), Column("Tổng số phải giải quyết"),
    Column("Đã giải quyết"), Column("Trước hạn"), Column("Đúng hạn"), Column("Quá hạn"),
    Column("Từ chối"), Column("Rút hồ sơ"), Column("Dừng giải quyết"),
    Column("Đang giải quyết"), Column("Chưa đến hạn"), Column("Quá hạn (đang giải quyết)"),
    Column("Yêu cầu bổ sung"), Column("Bổ sung lần 2"), Column("Đã trả kết quả"),
    Column("Tỷ lệ đúng hạn", "share"),
)


def _handling_row(r: HandlingRow) -> tuple[Any, ...]:
    return (r.key, r.label, r.carried_over, r.received, r.received_in_person,
            r.received_online, r.received_post, r.to_handle, r.processed, r.processed_before,
            r.processed_on, r.processed_after, r.refused, r.withdrawn, r.stopped,
            r.in_processing, r.in_processing_not_due, r.in_processing_overdue,
            r.supplement_requested, r.second_supplement, r.returned, r.on_time_share)


def _handling(r: HandlingReport, officers: Mapping[str, str]) -> list[Table]:
    note = ("Trước hạn: kết thúc trước ngày hẹn; đúng hạn: trong ngày hẹn, không quá giờ hẹn; "
            "quá hạn: sau thời điểm hẹn hoặc bị yêu cầu bổ sung lần thứ hai. Thời gian chờ "
            "bổ sung không tính vào thời hạn; hồ sơ đang giải quyết được xét tại cuối kỳ.")
    tables = [
        Table("Tổng hợp", "Tổng hợp theo lĩnh vực", _HANDLING_COLUMNS,
              (_handling_row(r.total), *(_handling_row(x) for x in r.by_field)), 1, note),
        Table("Theo thủ tục", "Chi tiết theo thủ tục hành chính", _HANDLING_COLUMNS,
              (_handling_row(r.total), *(_handling_row(x) for x in r.by_procedure)), 1),
    ]
    if r.by_office:
        tables.append(Table("Theo đơn vị", "Theo đơn vị (cấp xã)", _HANDLING_COLUMNS,
                            (_handling_row(r.total), *(_handling_row(x) for x in r.by_office)),
                            1))
    return tables


def _late(r: LateReport, officers: Mapping[str, str]) -> list[Table]:
    days = "ngày làm việc" if r.days_unit == "working_days" else "ngày"
    cols = (Column("STT", "int", 6), Column("Mã hồ sơ", "text", 31),
            Column("Thủ tục", "text", 26), Column("Người nộp", "text", 18),
            Column("Tiếp nhận", "instant", 14), Column("Hẹn trả", "instant", 14),
            Column("Hạn phải trả", "instant", 14), Column("Kết thúc", "instant", 14),
            Column(f"Số {days} trễ", "int", 8), Column("Đơn vị giữ hồ sơ khi đến hạn", "text", 22),
            Column("Cán bộ giữ hồ sơ", "text", 16), Column("Bổ sung lần 2", "bool", 8),
            Column("Xin lỗi, gia hạn", "bool", 8), Column("Xin lỗi đúng thời hạn", "bool", 8),
            Column("Ngày hẹn mới", "instant", 14))
    rows = tuple((i, x.code, x.procedure_name, x.applicant, x.received_at, x.appointment_at,
                  x.due_at, x.finished_at, x.days_late, x.holding_unit,
                  officers.get(x.holding_officer, x.holding_officer), x.second_supplement,
                  x.apology_issued, x.apology_in_time, x.new_due_at)
                 for i, x in enumerate(r.rows, 1))
    note = (f"Hồ sơ kết thúc quá hạn trong kỳ và hồ sơ còn đang giải quyết đã quá hạn tại thời "
            f"điểm xét ({_local_text(r.judged_at)}); ô \"Kết thúc\" trống: hồ sơ chưa kết thúc. "
            f"Tổng số: {len(r.rows)} hồ sơ.")
    return [Table("Hồ sơ quá hạn", "Danh sách hồ sơ quá hạn", cols, rows, 0, note)]


def _index(r: IndexReport, officers: Mapping[str, str]) -> list[Table]:
    cols = (Column("Chỉ số", "text", 44), Column("Tử số"), Column("Mẫu số"),
            Column("Giá trị", "share"), Column("Đạt điểm tối đa khi", "share"),
            Column("Điểm tối đa", "points"), Column("Điểm đạt", "points"),
            Column("Ghi chú", "text", 40))
    t = r.total
    rows: list[tuple[Any, ...]] = [(i.name, i.numerator, i.denominator, i.value, i.full_at, i.max_points, i.points,
             i.note + ("" if i.status == "reference" else " [thang điểm cần đối chiếu]"))
            for i in t.indicators]
    rows.insert(0, ("Tổng điểm (trên số điểm tính được)", None, None, None, None,
                    t.points_available, t.points, ""))
    month_cols = (Column("Tháng", "text", 10), Column("Hồ sơ được xét"),
                  Column("Đúng hạn"), Column("Quá hạn"), *(
                      Column(i.name, "share", 12) for i in t.indicators), Column("Điểm", "points"))
    months = tuple((m.label, m.judged, m.on_time, m.late, *(i.value for i in m.indicators),
                    m.points) for m in r.months)
    note = (f"Thang điểm: phiên bản {r.rules_version}. Chỉ số không tính được trên sổ (chưa "
            "có hồ sơ để xét) không được tính điểm và không tính vào tổng điểm tối đa.")
    return [Table("Chỉ số", "Các chỉ số của kỳ báo cáo", cols, tuple(rows), 1, note),
            Table("Theo tháng", "Diễn biến theo tháng", month_cols, months, 0)]


def _ratings(rows: Sequence[RatingRow], total: RatingRow, first: str
             ) -> tuple[tuple[Column, ...], tuple[tuple[Any, ...], ...]]:
    cols = (Column(first, "text", 36), *(Column(RATING_LABELS[k]) for k in RATING_LABELS),
            Column("Số lượt đánh giá"), Column("Tỷ lệ hài lòng", "share"),
            Column("Phản ánh, kiến nghị"))

    def line(x: RatingRow) -> tuple[Any, ...]:
        return (x.label, x.very_satisfied, x.satisfied, x.neutral, x.dissatisfied, x.rated,
                x.satisfied_share, x.complaints)
    return cols, (line(total), *(line(x) for x in rows))


def _satisfaction(r: SatisfactionReport, officers: Mapping[str, str]) -> list[Table]:
    named = [dataclasses.replace(x, label=officers.get(x.key, x.label)) for x in r.by_officer]
    c1, rows1 = _ratings(named, r.total, "Cán bộ")
    c2, rows2 = _ratings(r.by_procedure, r.total, "Thủ tục")
    comp_cols = (Column("Thời điểm", "instant", 14), Column("Mã hồ sơ", "text", 24),
                 Column("Thủ tục", "text", 28), Column("Cán bộ phục vụ", "text", 16),
                 Column("Người ghi nhận", "text", 16), Column("Nội dung", "text", 50))
    comp = tuple((c.at, c.code, c.procedure_name, officers.get(c.officer, c.officer),
                  officers.get(c.recorded_by, c.recorded_by), c.content) for c in r.complaints)
    note = ("Đánh giá ghi nhận ở bước trả kết quả, tính cho cán bộ trả kết quả (nếu chưa trả: "
            "cán bộ tiếp nhận).")
    return [Table("Theo cán bộ", "Đánh giá theo cán bộ", c1, rows1, 1, note),
            Table("Theo thủ tục", "Đánh giá theo thủ tục", c2, rows2, 1),
            Table("Phản ánh", "Phản ánh, kiến nghị", comp_cols, comp, 0,
                  f"Tổng số: {len(comp)} phản ánh, kiến nghị.")]


_FEE_COLUMNS = (
    Column("Số giấy tiếp nhận"), Column("Có thu phí"), Column("Phí ghi trên giấy tiếp nhận",
                                                              "money", 14),
    Column("Đã thu khi tiếp nhận", "money", 14), Column("Số lần thu sau"),
    Column("Số tiền thu sau", "money", 14), Column("Trong đó trực tuyến", "money", 14),
    Column("Tổng đã thu", "money", 14), Column("Hồ sơ được miễn"),
)


def _fee_row(x: FeeRow) -> tuple[Any, ...]:
    return (x.receipts, x.receipts_with_fee, x.fee_on_receipts, x.paid_on_receipt,
            x.later_payments, x.later_amount, x.online_amount, x.collected, x.exempt)


def _fees(r: FeesReport, officers: Mapping[str, str]) -> list[Table]:
    proc = (Column("Thủ tục", "text", 40), *_FEE_COLUMNS)
    day = (Column("Ngày", "day", 12), *_FEE_COLUMNS)
    ex = (Column("Thủ tục", "text", 40), Column("Trường hợp miễn", "text", 50),
          Column("Số hồ sơ"))
    state = ("Khớp: tổng theo thủ tục, tổng theo ngày và tổng (phí đã thu trên giấy tiếp nhận + "
             "các lần thu sau) bằng nhau." if r.reconciled else
             "KHÔNG KHỚP: tổng theo thủ tục, theo ngày và theo giấy tiếp nhận khác nhau.")
    return [
        Table("Theo thủ tục", "Thu phí, lệ phí theo thủ tục", proc,
              ((r.total.label, *_fee_row(r.total)),
               *((x.label, *_fee_row(x)) for x in r.by_procedure)), 1, state),
        Table("Theo ngày", "Thu phí, lệ phí theo ngày", day,
              (("Tổng cộng", *_fee_row(r.total)), *((x.key, *_fee_row(x)) for x in r.by_day)),
              1),
        Table("Miễn phí", "Hồ sơ được miễn phí, lệ phí", ex,
              tuple((x.procedure_name, x.exemption_name, x.dossiers) for x in r.exemptions), 0),
    ]


def tabulate(report: Report, officers: Mapping[str, str] | None = None) -> list[Table]:
    """The report's tables; `officers` maps user names to full names for printing."""
    officers = officers or {}
    make = {"handling": _handling, "late": _late, "index": _index,
            "satisfaction": _satisfaction, "fees": _fees}[report.kind]
    return make(report, officers)  # type: ignore[operator]


# --------------------------------------------------------------------------- values


def _local(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(LOCAL_TZ)


def _local_text(text: str) -> str:
    return f"{_local(text):%H:%M %d/%m/%Y}"


def cell_text(kind: str, value: Any) -> str:
    """A value as printed on paper (Vietnamese separators: 1.234; 45,6%)."""
    if value is None or value == "":
        return ""
    if kind == "int":
        return f"{int(value):,}".replace(",", ".")
    if kind == "money":
        return f"{int(value):,}".replace(",", ".")
    if kind == "share":
        return f"{float(value) * 100:.1f}%".replace(".", ",")
    if kind == "points":
        return f"{float(value):.2f}".replace(".", ",")
    if kind == "instant":
        return _local_text(str(value))
    if kind == "day":
        try:
            return f"{date.fromisoformat(str(value)):%d/%m/%Y}"
        except ValueError:  # a label in a day column ("Tổng cộng")
            return str(value)
    if kind == "bool":
        return "Có" if value else "Không"
    return str(value)


def cell_value(kind: str, value: Any) -> Any:
    """A value as an Excel cell holds it (numbers stay numbers; instants local, naive)."""
    if value is None or value == "":
        return None
    if kind == "instant":
        return _local(str(value)).replace(tzinfo=None)
    if kind == "day":
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            return str(value)
    if kind == "bool":
        return "Có" if value else "Không"
    return value


__all__ = [
    "TITLES",
    "Column",
    "Table",
    "cell_text",
    "cell_value",
    "period_text",
    "tabulate",
]
