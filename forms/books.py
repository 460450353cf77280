"""Book renderers (A4 landscape): tracking book (Mẫu 07), civil-status and certification books.

Civil-status and certification books print a fixed number of entries per page (the register
counts pages the same way for the year-end closing), each page with its own header rows;
the tracking book is one long table whose header rows repeat on every page.

The column layouts below also fix the keys the register's entry data use (`ho_ten`,
`ngay_sinh`, ...): a book kind without a layout prints every key as "key: value".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Generic, TypeVar

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
)

from forms.base import FitToFrame, Margins, Para, Renderer, esc
from forms.config import FormConfig, FormKind
from forms.records import BookEntry, CertificationBook, CivilStatusBook, TrackingBook
from forms.text import BLANK, local, long_date, short_date, two

SIGN = "sign"  # a column left blank for a signature


@dataclass(frozen=True)
class Column:
    """A book column: its heading, width (mm, scaled to the page) and the keys it shows.

    `keys` pairs a label with an entry key; a cell prints "label: value" for each non-empty
    value (an unlabeled key prints the bare value), joined by "; ". `kind`: "text", "number" (the
    entry's number and date), "note" (voids, corrections, ghi_chu), "money" (thousands
    dotted) or SIGN (left blank for a signature).
    """

    title: str
    width: float
    keys: tuple[tuple[str, str], ...] = ()
    kind: str = "text"


@dataclass(frozen=True)
class BookLayout:
    title: str  # printed in capitals on the cover and on each page
    columns: tuple[Column, ...]


def _person(prefix: str = "", *, birth: str = "Ngày sinh", extra: Sequence[tuple[str, str]] = ()
            ) -> tuple[tuple[str, str], ...]:
    return (("", f"{prefix}ho_ten"), (birth, f"{prefix}ngay_sinh"),
            ("Giới tính", f"{prefix}gioi_tinh"), ("Dân tộc", f"{prefix}dan_toc"),
            ("Quốc tịch", f"{prefix}quoc_tich"), *extra)


NOTE = Column("Ghi chú", 26, (("", "ghi_chu"),), kind="note")
REG = Column("Số, ngày đăng ký", 17, kind="number")
OFFICER_SIGN = Column("Công chức tư pháp - hộ tịch ký", 20, kind=SIGN)
DECLARANT = Column("Người đi khai", 30, (("", "nguoi_khai"), ("Quan hệ", "quan_he"),
                                         ("Giấy tờ tùy thân", "nguoi_khai_giay_to")))
DECLARANT_SIGN = Column("Người đi khai ký", 20, kind=SIGN)
REQUESTER_SIGN = Column("Người yêu cầu ký", 20, kind=SIGN)
PARENT = (("Năm sinh", "nam_sinh"), ("Dân tộc", "dan_toc"), ("Quốc tịch", "quoc_tich"),
          ("Nơi cư trú", "cu_tru"))


def _parent(prefix: str) -> tuple[tuple[str, str], ...]:
    return (("", f"{prefix}_ho_ten"), *((label, f"{prefix}_{key}") for label, key in PARENT))


CIVIL_STATUS_LAYOUTS: dict[str, BookLayout] = {
    "KS": BookLayout("Sổ đăng ký khai sinh", (
        REG,
        Column("Người được đăng ký khai sinh", 62, _person(extra=(
            ("Nơi sinh", "noi_sinh"), ("Quê quán", "que_quan"),
            ("Số định danh cá nhân", "so_dinh_danh")))),
        Column("Mẹ", 40, _parent("me")), Column("Cha", 40, _parent("cha")),
        DECLARANT, NOTE, OFFICER_SIGN, DECLARANT_SIGN)),
    "KH": BookLayout("Sổ đăng ký kết hôn", (
        REG,
        Column("Bên nam", 56, _person("chong_", extra=(
            ("Nơi cư trú", "chong_cu_tru"), ("Giấy tờ tùy thân", "chong_giay_to")))),
        Column("Bên nữ", 56, _person("vo_", extra=(
            ("Nơi cư trú", "vo_cu_tru"), ("Giấy tờ tùy thân", "vo_giay_to")))),
        NOTE, Column("Bên nam ký", 20, kind=SIGN), Column("Bên nữ ký", 20, kind=SIGN),
        OFFICER_SIGN)),
    "KT": BookLayout("Sổ đăng ký khai tử", (
        REG,
        Column("Người chết", 56, _person(extra=(
            ("Số định danh cá nhân", "so_dinh_danh"), ("Nơi cư trú cuối cùng", "cu_tru")))),
        Column("Thời gian, nơi chết, nguyên nhân chết", 40, (
            ("Chết lúc", "thoi_gian_chet"), ("Nơi chết", "noi_chet"),
            ("Nguyên nhân", "nguyen_nhan"), ("Giấy báo tử", "giay_bao_tu"))),
        DECLARANT, NOTE, OFFICER_SIGN, DECLARANT_SIGN)),
    "GH": BookLayout("Sổ đăng ký giám hộ", (
        REG,
        Column("Người giám hộ", 46, (("", "giam_ho_ho_ten"), ("Ngày sinh", "giam_ho_ngay_sinh"),
                                     ("Nơi cư trú", "giam_ho_cu_tru"),
                                     ("Giấy tờ tùy thân", "giam_ho_giay_to"))),
        Column("Người được giám hộ", 46, (("", "duoc_giam_ho_ho_ten"),
                                          ("Ngày sinh", "duoc_giam_ho_ngay_sinh"),
                                          ("Nơi cư trú", "duoc_giam_ho_cu_tru"))),
        Column("Nội dung, căn cứ", 40, (("", "noi_dung"), ("Căn cứ", "can_cu"))),
        NOTE, OFFICER_SIGN, REQUESTER_SIGN)),
    "NCMC": BookLayout("Sổ đăng ký nhận cha, mẹ, con", (
        REG,
        Column("Người nhận", 46, (("", "nguoi_nhan_ho_ten"), ("Ngày sinh", "nguoi_nhan_ngay_sinh"),
                                  ("Nơi cư trú", "nguoi_nhan_cu_tru"),
                                  ("Giấy tờ tùy thân", "nguoi_nhan_giay_to"))),
        Column("Người được nhận", 46, (("", "duoc_nhan_ho_ten"),
                                       ("Ngày sinh", "duoc_nhan_ngay_sinh"),
                                       ("Nơi cư trú", "duoc_nhan_cu_tru"))),
        Column("Quan hệ", 24, (("", "quan_he"),)),
        NOTE, OFFICER_SIGN, REQUESTER_SIGN)),
    "TDCC": BookLayout("Sổ đăng ký thay đổi, cải chính, xác định lại dân tộc, bổ sung thông "
                       "tin hộ tịch", (
        REG,
        Column("Người có thông tin hộ tịch thay đổi", 44, (
            ("", "ho_ten"), ("Ngày sinh", "ngay_sinh"), ("Số định danh cá nhân", "so_dinh_danh"))),
        Column("Nội dung thay đổi, cải chính, bổ sung", 56, (
            ("", "noi_dung"), ("Từ", "tu"), ("Thành", "thanh"))),
        Column("Căn cứ", 28, (("", "can_cu"),)),
        Column("Người yêu cầu", 30, (("", "nguoi_yeu_cau"), ("Giấy tờ tùy thân",
                                                             "nguoi_yeu_cau_giay_to"))),
        NOTE, OFFICER_SIGN, REQUESTER_SIGN)),
    "XNHN": BookLayout("Sổ cấp Giấy xác nhận tình trạng hôn nhân", (
        REG,
        Column("Người được cấp Giấy xác nhận", 60, _person(extra=(
            ("Số định danh cá nhân", "so_dinh_danh"), ("Nơi cư trú", "cu_tru")))),
        Column("Tình trạng hôn nhân", 40, (("", "tinh_trang_hon_nhan"),)),
        Column("Mục đích sử dụng", 34, (("", "muc_dich"),)),
        NOTE, OFFICER_SIGN, REQUESTER_SIGN)),
    "GCNN": BookLayout("Sổ ghi vào sổ hộ tịch việc hộ tịch đã giải quyết tại cơ quan có thẩm "
                       "quyền nước ngoài", (
        REG,
        Column("Người được ghi vào sổ", 52, _person(extra=(
            ("Số định danh cá nhân", "so_dinh_danh"),))),
        Column("Việc hộ tịch đã giải quyết ở nước ngoài", 56, (
            ("", "loai_viec"), ("Cơ quan giải quyết", "co_quan_nuoc_ngoai"),
            ("Giấy tờ số", "so_giay_to"), ("Ngày", "ngay_giay_to"))),
        Column("Người yêu cầu", 30, (("", "nguoi_yeu_cau"),)),
        NOTE, OFFICER_SIGN, REQUESTER_SIGN)),
    "BSTL": BookLayout("Sổ cấp bản sao trích lục hộ tịch", (
        REG,
        Column("Người yêu cầu", 46, (("", "nguoi_yeu_cau"),
                                     ("Giấy tờ tùy thân", "giay_to_tuy_than"))),
        Column("Trích lục được cấp bản sao", 56, (("", "loai_trich_luc"),
                                                  ("Người được cấp", "ho_ten"),
                                                  ("Số đăng ký gốc", "so_goc"))),
        Column("Số bản", 14, (("", "so_ban"),)),
        Column("Lệ phí (đồng)", 20, (("", "le_phi"),), kind="money"),
        NOTE, OFFICER_SIGN, REQUESTER_SIGN)),
}

_CERTIFIER = Column("Người ký chứng thực", 34, (("", "nguoi_ky"),))
_FEE = Column("Phí, lệ phí (đồng)", 20, (("", "le_phi"),), kind="money")
_CERT_NO = Column("Số chứng thực, ngày chứng thực", 24, kind="number")

CERTIFICATION_LAYOUTS: dict[str, BookLayout] = {
    "SCT/BS": BookLayout("Sổ chứng thực bản sao từ bản chính", (
        _CERT_NO,
        Column("Họ tên người yêu cầu chứng thực", 48, (
            ("", "nguoi_yeu_cau"), ("Giấy tờ tùy thân", "giay_to_tuy_than"))),
        Column("Tên bản chính giấy tờ, văn bản", 64, (("", "giay_to"),)),
        Column("Số bản sao", 16, (("", "so_ban"),)),
        Column("Số trang", 14, (("", "so_trang"),)),
        _CERTIFIER, _FEE, NOTE)),
    "SCT/CK,ĐC": BookLayout("Sổ chứng thực chữ ký, chứng thực điểm chỉ", (
        _CERT_NO,
        Column("Họ tên, giấy tờ tùy thân của người yêu cầu chứng thực", 52, (
            ("", "nguoi_yeu_cau"), ("Giấy tờ tùy thân", "giay_to_tuy_than"))),
        Column("Tên giấy tờ, văn bản", 56, (("", "giay_to"), ("Hình thức", "hinh_thuc"))),
        _CERTIFIER, _FEE, NOTE, Column("Người yêu cầu ký, điểm chỉ", 24, kind=SIGN))),
    "SCT/CKND": BookLayout("Sổ chứng thực chữ ký người dịch", (
        _CERT_NO,
        Column("Họ tên, giấy tờ tùy thân của người dịch", 50, (
            ("", "nguoi_dich"), ("Giấy tờ tùy thân", "giay_to_tuy_than"))),
        Column("Tên giấy tờ, văn bản được dịch; ngôn ngữ dịch", 58, (
            ("", "giay_to"), ("Ngôn ngữ", "ngon_ngu"))),
        _CERTIFIER, _FEE, NOTE, Column("Người dịch ký", 24, kind=SIGN))),
    "SCT/HĐ,GD": BookLayout("Sổ chứng thực hợp đồng, giao dịch", (
        _CERT_NO,
        Column("Tên hợp đồng, giao dịch", 52, (("", "hop_dong"), ("Tài sản", "tai_san"))),
        Column("Họ tên, giấy tờ tùy thân của người yêu cầu chứng thực", 56, (
            ("", "nguoi_yeu_cau"), ("Giấy tờ tùy thân", "giay_to_tuy_than"))),
        _CERTIFIER, _FEE, NOTE, Column("Người yêu cầu ký", 24, kind=SIGN))),
}


def generic_layout(title: str) -> BookLayout:
    """For a book kind this module has no template for: every value as "key: value"."""
    return BookLayout(title, (REG, Column("Nội dung", 170, ()), NOTE, OFFICER_SIGN))


B = TypeVar("B", TrackingBook, CivilStatusBook, CertificationBook)


class BookRenderer(Renderer[B], Generic[B]):
    """A4 landscape, narrow margins, "Trang X/Y" and the book's name in every footer."""

    pagesize = landscape(A4)
    margins = Margins(top=12 * mm, right=12 * mm, bottom=13 * mm, left=18 * mm)
    base_size = 9.0

    def running_title(self) -> str:
        raise NotImplementedError

    def footer(self, canvas: Canvas, page: int, total: int) -> None:
        canvas.saveState()
        canvas.setFont(self.fonts.regular, self.footer_size)
        width, _ = canvas._pagesize
        y = self.margins.bottom / 2
        canvas.drawString(self.margins.left, y, self.running_title())
        canvas.drawRightString(width - self.margins.right, y, f"Trang {page}/{total}")
        canvas.restoreState()

    def title(self) -> str:
        return self.running_title()

    def cell(self, text: str, style: str = "td") -> Paragraph:
        return Para(text, self.styles[style])


# --------------------------------------------------------------------------- Mẫu 07


class TrackingBookRenderer(BookRenderer[TrackingBook]):
    """Mẫu 07: one long table, three header rows (groups, headings, column numbers)."""

    def running_title(self) -> str:
        r = self.record
        return (f"Sổ theo dõi hồ sơ - lĩnh vực {r.field_name} - từ {short_date(r.date_from)} "
                f"đến {short_date(r.date_to)}")

    def story(self) -> list[Flowable]:
        r = self.record
        spec = self.config.spec(FormKind.TRACKING_BOOK)
        out: list[Flowable] = []
        label = self.form_label(spec)
        if label is not None:
            out.append(label)
        out += [
            self.heading(r.office, spec, r.issued_on, r.number),
            self.p(esc(spec.title), "title"),
            self.p(f"Lĩnh vực: <b>{esc(r.field_name)}</b>", "body_center"),
            self.p(f"Từ ngày {short_date(r.date_from)} đến ngày {short_date(r.date_to)}"
                   + (f" - Quyển số {two(r.volume)}" if r.volume else "")
                   + (f", năm {r.year}" if r.year else ""), "subtitle"),
            self.table(),
            Spacer(1, 4),
            self.p(f"Tổng số: {len(r.rows)} hồ sơ.", "note"),
        ]
        return out

    def table(self) -> Table:
        c = self.cell
        th = [c(t, "th") for t in (
            "STT", "Mã hồ sơ", "Tên thủ tục hành chính", "Tên cá nhân, tổ chức",
            "Địa chỉ, số điện thoại", "Cơ quan chủ trì giải quyết", "Nhận và trả kết quả")]
        sub = [c(t, "th") for t in ("Ngày, giờ nhận hồ sơ", "Ngày, giờ hẹn trả kết quả",
                                      "Ngày, giờ trả kết quả", "Hình thức nhận kết quả",
                                      "Ký nhận")]
        rows: list[list[object]] = [
            [*th, "", "", "", ""],
            ["", "", "", "", "", "", *sub],
            [c(f"({i})", "td_center") for i in range(1, 12)],
        ]
        for row in self.record.rows:
            contact = "; ".join(x for x in (row.address, row.phone) if x)
            rows.append([
                c(str(row.number), "td_center"), c(esc(row.dossier_code)),
                c(esc(row.procedure)), c(esc(row.applicant)), c(esc(contact)),
                c(esc(row.processing_body)),
                c(_when(row.received_at), "td_center"), c(_when(row.appointment_at), "td_center"),
                c(_when(row.returned_at), "td_center"), c(esc(row.result_method), "td_center"),
                "",
            ])
        widths = _scale([9, 36, 42, 30, 36, 28, 19, 19, 19, 18, 15], self.frame_width)
        spans = [("SPAN", (i, 0), (i, 1)) for i in range(6)] + [("SPAN", (6, 0), (10, 0))]
        return self.grid(rows, widths, header_rows=3, extra=spans)


def _when(moment: datetime | None) -> str:
    """Date over time in a narrow column."""
    if moment is None:
        return ""
    m = local(moment)
    return f"{m:%d/%m/%Y}<br/>{m:%H:%M}"


def _scale(widths: Sequence[float], total: float) -> list[float]:
    k = total / sum(widths)
    return [w * k for w in widths]


# --------------------------------------------------------------------------- logbooks

L = TypeVar("L", CivilStatusBook, CertificationBook)


class LogbookRenderer(BookRenderer[L], Generic[L]):
    """Cover page, then `book_entries_per_page` entries per page, then the closing line."""

    base_size = 8.5
    layout: BookLayout
    _header: list[list[object]] | None = None

    def book_name(self) -> str:
        return self.layout.title

    def volume_label(self) -> str:
        return f"Quyển số {two(self.record.volume)}, năm {self.record.year}"

    def running_title(self) -> str:
        return f"{self.book_name()} - {self.volume_label()}"

    def story(self) -> list[Flowable]:
        r = self.record
        out: list[Flowable] = []
        if r.cover:
            out += self.cover()
            out.append(PageBreak())
        pages = r.pages(self.config.book_entries_per_page)
        height = self.pagesize[1] - self.margins.top - self.margins.bottom
        for i, entries in enumerate(pages):
            if i:
                out.append(PageBreak())
            out.append(FitToFrame(self.frame_width, height, partial(self.page, entries)))
        if r.closing is not None:
            closing = self.closing()
            out.append(CondPageBreak(60 * mm))
            out += closing
        return out

    def page(self, entries: Sequence[BookEntry], width: float) -> list[Flowable]:
        """One printed page of entries, laid out for `width`."""
        return [self.page_heading(), Spacer(1, 3), self.entries_table(entries, width)]

    def cover(self) -> list[Flowable]:
        r = self.record
        st = self.styles
        big: ParagraphStyle = st["title"].clone("cover_title", fontSize=26, leading=32,
                                                spaceBefore=0, spaceAfter=16)
        gov: ParagraphStyle = st["office"].clone("cover_gov", fontSize=14, leading=18)
        line_style: ParagraphStyle = st["motto_sub"].clone("cover_line", fontSize=15,
                                                           leading=20)
        when: ParagraphStyle = st["date_line"].clone("cover_date", fontSize=13, leading=18)
        blank = f"ngày {BLANK} tháng {BLANK} năm {BLANK}"
        opened = long_date(r.opened_on) if r.opened_on else blank
        closed = long_date(r.closing.closed_on) if r.closing else blank
        return [
            Paragraph(esc(r.office.governing_body.upper()), gov),
            Paragraph(esc(r.office.province), when),
            Spacer(1, 40 * mm),
            Paragraph(esc(self.book_name().upper()), big),
            *(Paragraph(esc(text), line_style) for text in self.cover_lines()),
            Spacer(1, 18 * mm),
            Paragraph(f"Mở sổ {opened}", when),
            Paragraph(f"Khóa sổ {closed}", when),
        ]

    def cover_lines(self) -> list[str]:
        return [self.volume_label()]

    def page_heading(self) -> Paragraph:
        r = self.record
        return self.p(f"<b>{esc(self.book_name().upper())}</b> - {esc(self.volume_label())}"
                      f" - {esc(r.office.governing_body)}", "body_center")

    def header_rows(self) -> list[list[object]]:
        """Column headings and numbers, built once and shared by every page's table."""
        if self._header is None:
            cols = self.layout.columns
            self._header = [[self.cell(esc(col.title), "th") for col in cols],
                            [f"({i})" for i in range(1, len(cols) + 1)]]
        return self._header

    def entries_table(self, entries: Sequence[BookEntry], width: float) -> Table:
        # Plain strings where nothing wraps: tables draw them without the paragraph engine,
        # which is most of the time of a 1,000-entry book.
        cols = self.layout.columns
        c = self.cell
        rows: list[list[object]] = list(self.header_rows())
        shown_keys = {key for col in cols for _, key in col.keys}
        for entry in entries:
            row: list[object] = []
            for col in cols:
                text = ""
                if col.kind == SIGN:
                    pass
                elif col.kind == "number":
                    text = f"Số {entry.number:02d}\n{short_date(entry.registered_on)}"
                elif col.kind == "money":
                    text = _amount(entry.get(col.keys[0][1]))
                elif col.kind == "note":
                    text = _note(entry)
                elif not col.keys:
                    text = _everything(entry, shown_keys)
                else:
                    text = _cell_text(entry, col.keys)
                row.append(c(text) if text and col.kind not in ("number", "money") else text)
            rows.append(row)
        widths = _scale([col.width for col in cols], width)
        align: list[tuple[object, ...]] = [
            ("ALIGN", (i, 1), (i, -1), "CENTER" if col.kind == "number" else "RIGHT")
            for i, col in enumerate(cols) if col.kind in ("number", "money")]
        return self.grid(rows, widths, header_rows=2, extra=[
            ("ROWBACKGROUNDS", (0, 0), (-1, 1), ["#f2f2f2"]),
            ("ALIGN", (0, 1), (-1, 1), "CENTER"), *align])

    def closing(self) -> list[Flowable]:
        r = self.record
        k = r.closing
        assert k is not None
        text = (f"Sổ này có <b>{k.total_pages}</b> trang, đã ghi <b>{k.total_entries}</b> "
                f"mục (từ số {k.first_number:02d} đến số {k.last_number:02d}), trong đó "
                f"{k.voided} số bị hủy. Khóa sổ {long_date(k.closed_on)}.")
        return [Spacer(1, 8), self.p(text),
                self.signatures([("Người ghi sổ", "(Ký và ghi rõ họ tên)", ""),
                                 (r.signer_title, "(Ký, ghi rõ họ tên và đóng dấu)",
                                  r.signer_name)], space=18 * mm)]


def _cell_text(entry: BookEntry, keys: tuple[tuple[str, str], ...]) -> str:
    parts = []
    for label, key in keys:
        value = entry.get(key)
        if not value:
            continue
        # No <b> for the name: a second font run sends reportlab's line breaking down its
        # slow path and doubles the time of a 1,000-entry book. The name leads the cell.
        parts.append(f"{label}: {esc(value)}" if label else esc(value))
    return "; ".join(parts)


def _amount(value: str) -> str:
    """"4000" -> "4.000" (amounts only: years and numbers elsewhere stay as they are)."""
    return f"{int(value):,}".replace(",", ".") if value.isdigit() else value


def _everything(entry: BookEntry, skip: set[str]) -> str:
    return "; ".join(f"{esc(k)}: {esc(v)}" for k, v in entry.values if v and k not in skip)


def _note(entry: BookEntry) -> str:
    parts = []
    if entry.void_reason:
        parts.append(f"<b>Số đã hủy.</b> Lý do: {esc(entry.void_reason)}")
    if entry.corrects_number is not None:
        reason = f" Lý do: {esc(entry.correction_reason)}" if entry.correction_reason else ""
        parts.append(f"Ghi lại cho số {entry.corrects_number:02d}.{reason}")
    note = entry.get("ghi_chu")
    if note:
        parts.append(esc(note))
    return "<br/>".join(parts)


class CivilStatusBookRenderer(LogbookRenderer[CivilStatusBook]):
    """Sổ hộ tịch: one layout per kind of event (births, marriages, deaths...)."""

    def __init__(self, record: CivilStatusBook, config: FormConfig | None = None) -> None:
        self.layout = CIVIL_STATUS_LAYOUTS.get(record.kind_code) or generic_layout(
            record.kind_name)
        super().__init__(record, config)

    def book_name(self) -> str:
        return self.record.kind_name or self.layout.title


class CertificationBookRenderer(LogbookRenderer[CertificationBook]):
    """Sổ chứng thực (Decree 23/2015): numbers read "Số 10, quyển số 01/2026-SCT/BS"."""

    def __init__(self, record: CertificationBook, config: FormConfig | None = None) -> None:
        self.layout = CERTIFICATION_LAYOUTS[record.symbol]
        super().__init__(record, config)

    def book_name(self) -> str:
        return self.record.kind_name or self.layout.title

    def volume_label(self) -> str:
        r = self.record
        month = f" - tháng {r.month:02d}/{r.year}" if r.month else ""
        return f"Quyển số {two(r.volume)}/{r.year}-{r.symbol}{month}"

    def cover_lines(self) -> list[str]:
        r = self.record
        lines = [f"Ký hiệu: {r.symbol}", f"Quyển số: {two(r.volume)}/{r.year}-{r.symbol}"]
        if r.month:
            lines.append(f"Bản in tháng {r.month:02d}/{r.year}")
        return lines

