"""Renderers of the one-stop slips, forms 01–06 of Circular 03/2025/TT-VPCP (A4 portrait)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Generic, Protocol, TypeVar

from reportlab.lib.pagesizes import A4, A5
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    FrameBreak,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from forms.base import DOTS, FitToFrame, Margins, QrCode, Renderer, esc
from forms.config import FormConfig, FormKind, FormSpec
from forms.records import (
    ApologyExtension,
    ControlSlip,
    OfficeHeader,
    Person,
    Receipt,
    Refusal,
    StopNotice,
    SupplementRequest,
)
from forms.text import long_date, moment_text, money, money_in_words, two

SIGN_HINT = "(Ký và ghi rõ họ tên)"
SEAL_HINT = "(Ký, ghi rõ họ tên và đóng dấu)"


class _Slip(Protocol):
    @property
    def office(self) -> OfficeHeader: ...


S = TypeVar("S", bound=_Slip)


class SlipRenderer(Renderer[S], Generic[S]):
    """A one-page slip: form label, heading, title, body, signatures."""

    kind: FormKind

    @property
    def spec(self) -> FormSpec:
        return self.config.spec(self.kind)

    def title(self) -> str:
        code = getattr(self.record, "dossier_code", "")
        return f"{self.spec.title.capitalize()} {code}".strip()

    def top(self, when: object, number: str = "", width: float | None = None
            ) -> list[Flowable]:
        office = self.record.office
        out: list[Flowable] = []
        label = self.form_label(self.spec)
        if label is not None:
            out.append(label)
        out += [self.heading(office, self.spec, when, number, width),
                self.p(esc(self.spec.title), "title")]
        return out

    def contact_line(self, person: Person) -> Paragraph:
        return self.p(f"Số điện thoại: {esc(person.phone) or DOTS}"
                      f"&nbsp;&nbsp;&nbsp;&nbsp;Email: {esc(person.email) or DOTS}")

    def numbered(self, items: Sequence[str], fmt: str = "{n}. ") -> list[Flowable]:
        return [self.p(esc(fmt.format(n=n)) + esc(item), "item")
                for n, item in enumerate(items, 1)]


# --------------------------------------------------------------------------- Mẫu 01


class ReceiptRenderer(SlipRenderer[Receipt]):
    """Mẫu 01, in two copies on one A4 (cut line between) or one copy per A5 sheet."""

    kind = FormKind.RECEIPT
    qr_size = 24 * mm

    def __init__(self, record: Receipt, config: FormConfig | None = None):
        cfg = config or FormConfig()
        if cfg.receipt_layout == "a5":
            self.pagesize = A5
            self.margins = Margins(top=10 * mm, right=10 * mm, bottom=12 * mm, left=14 * mm)
            self.base_size = 10.0
        else:
            self.pagesize = A4
            self.margins = Margins(top=8 * mm, right=12 * mm, bottom=10 * mm, left=18 * mm)
            self.base_size = 9.5
        super().__init__(record, cfg)

    def make_styles(self) -> dict[str, ParagraphStyle]:
        """Tighter lines than the full-page slips: a copy must fit half a sheet."""
        styles = super().make_styles()
        for name in ("body", "item", "indent", "copy_label", "sign_title", "sign_name"):
            style = styles[name]
            style.leading = style.fontSize * 1.17
            style.spaceAfter = 0
        styles["title"].spaceBefore = self.base_size * 0.3
        return styles

    @property
    def half_height(self) -> float:
        return (self.pagesize[1] - self.margins.top - self.margins.bottom) / 2

    def page_templates(self, doc: BaseDocTemplate) -> list[PageTemplate]:
        if self.config.receipt_layout == "a5":
            return super().page_templates(doc)
        h, pad = self.half_height, 5 * mm
        frames = [Frame(doc.leftMargin, doc.bottomMargin + h * (1 - i), doc.width, h,
                        id=f"copy{i + 1}", leftPadding=0, rightPadding=0,
                        topPadding=pad * i, bottomPadding=pad * (1 - i))
                  for i in range(2)]
        return [PageTemplate(id="two_copies", frames=frames, onPage=self.on_page,
                             pagesize=self.pagesize)]

    def on_page(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        if self.config.receipt_layout == "a5":
            return
        y = self.margins.bottom + self.half_height
        canvas.saveState()
        canvas.setDash(4, 3)
        canvas.setLineWidth(0.4)
        canvas.line(6 * mm, y, self.pagesize[0] - 6 * mm, y)
        canvas.restoreState()

    def story(self) -> list[Flowable]:
        out: list[Flowable] = []
        two_copies = self.config.receipt_layout == "a4_two_copies"
        height = self.half_height - 5 * mm if two_copies else (
            self.pagesize[1] - self.margins.top - self.margins.bottom)
        self._qr = QrCode(self.record.dossier_code, self.qr_size) if self.config.receipt_qr \
            else None
        self._bodies: dict[float, tuple[list[Flowable], list[Flowable]]] = {}
        for i, label in enumerate(self.config.receipt_copies):
            if i:
                out.append(FrameBreak() if two_copies else PageBreak())
            out.append(FitToFrame(self.frame_width, height, partial(self.copy, label),
                                  name=f"copy{i + 1}"))
        return out

    def copy(self, label: str, width: float) -> list[Flowable]:
        """One copy laid out for `width`; the copies share every flowable but their label."""
        body = self._bodies.get(width)
        if body is None:
            body = self._bodies[width] = self.body(width)
        head, rest = body
        return [*head, self.p(f"({esc(label)})", "copy_label"), *rest]

    def body(self, width: float) -> tuple[list[Flowable], list[Flowable]]:
        """The slip above and below the copy label, for `width` (wider when shrunk)."""
        r = self.record
        a = r.applicant
        head = self.top(r.date, width=width)
        out: list[Flowable] = []
        who: list[Flowable] = [
            self.p(f"Mã hồ sơ: <b>{esc(r.dossier_code)}</b>"),
            self.p(f"{esc(r.office.office_name)} tiếp nhận hồ sơ của: <b>{esc(a.full_name)}</b>"),
            self.line("Số định danh cá nhân/mã số doanh nghiệp", a.id_number),
            self.line("Địa chỉ", a.address),
            self.contact_line(a),
        ]
        if self._qr is not None:
            box = Table([[who, [self._qr, self.p("Mã hồ sơ", "copy_label")]]],
                        colWidths=[width - self.qr_size - 4 * mm, self.qr_size + 4 * mm])
            box.setStyle(TableStyle([
                ("FONTNAME", (0, 0), (-1, -1), self.fonts.regular),
                ("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (1, 0), (1, 0), "CENTER"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
            out.append(box)
        else:
            out += who
        if r.representative is not None:
            rep = r.representative
            parts = [f"<b>{esc(rep.full_name)}</b>"]
            for name, value in (("số định danh cá nhân", rep.id_number),
                                ("địa chỉ", rep.address), ("điện thoại", rep.phone),
                                ("email", rep.email), ("giấy ủy quyền", r.authorisation)):
                if value:
                    parts.append(f"{name}: {esc(value)}")
            out.append(self.p("Người được ủy quyền nộp hồ sơ: " + "; ".join(parts)))
        out.append(self.p(f"Nội dung yêu cầu giải quyết: {esc(r.request)}"))
        out.append(self.p("1. Thành phần hồ sơ nộp gồm:"))
        out += self.numbered(r.documents or ("Không có",), "({n}) ")
        out += [
            self.p(f"2. Số lượng hồ sơ: {two(r.sets)} (bộ)."),
            self.p(f"3. Thời gian giải quyết hồ sơ theo quy định: {esc(r.processing_time)}."),
            self.p(f"4. Thời gian nhận hồ sơ: {moment_text(r.received_at)}."),
            self.p("5. Thời gian trả kết quả giải quyết hồ sơ: "
                   f"<b>{moment_text(r.appointment_at)}</b>."),
            self.p(f"6. Nơi nhận kết quả: {esc(r.result_place)}."),
        ]
        if r.fee:
            paid = "đã nộp" if r.fee_paid else "chưa nộp"
            out.append(self.p(f"7. Phí, lệ phí: <b>{money(r.fee)}</b> "
                              f"(Bằng chữ: {esc(money_in_words(r.fee))}); {paid}."))
        out.append(self.p(f"Vào Sổ theo dõi hồ sơ, quyển số: {two(r.tracking_volume)}, "
                          f"số thứ tự: {two(r.tracking_number)}."))
        submitter = r.representative.full_name if r.representative else a.full_name
        out.append(self.signatures([("Người nộp hồ sơ", SIGN_HINT, submitter),
                                    ("Người tiếp nhận hồ sơ", SIGN_HINT,
                                     r.receiving_officer)], space=10 * mm, width=width))
        return head, out


# --------------------------------------------------------------------------- Mẫu 02


class SupplementRenderer(SlipRenderer[SupplementRequest]):
    """Mẫu 02: what to supplement, why, and whom to ask."""

    kind = FormKind.SUPPLEMENT

    def story(self) -> list[Flowable]:
        r = self.record
        a = r.applicant
        out = self.top(r.issued_on, r.number)
        out.append(Spacer(1, 4))
        if r.dossier_code:
            out.append(self.p(f"Mã hồ sơ: <b>{esc(r.dossier_code)}</b>"))
        out += [
            self.p(f"Hồ sơ của: <b>{esc(a.full_name)}</b>"),
            self.p(f"Nội dung yêu cầu giải quyết: {esc(r.request)}"),
            self.line("Địa chỉ", a.address),
            self.contact_line(a),
            self.p("Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:"),
            *self.numbered(r.items),
            self.line("Lý do", r.reason),
            self.p("Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, Ông/Bà liên hệ với "
                   f"{esc(r.contact) or DOTS} để được hướng dẫn."),
            self.signatures([("", "", ""), ("Người hướng dẫn", SIGN_HINT,
                                            r.guiding_officer)]),
        ]
        return out


# --------------------------------------------------------------------------- Mẫu 03


class RefusalRenderer(SlipRenderer[Refusal]):
    """Mẫu 03: the request and each reason for refusing it."""

    kind = FormKind.REFUSAL

    def story(self) -> list[Flowable]:
        r = self.record
        a = r.applicant
        office = esc(r.office.office_name)
        out = self.top(r.issued_on, r.number)
        out.append(Spacer(1, 4))
        if r.dossier_code:
            out.append(self.p(f"Mã hồ sơ: <b>{esc(r.dossier_code)}</b>"))
        out += [
            self.p(f"{office} tiếp nhận hồ sơ của: <b>{esc(a.full_name)}</b>"),
            self.line("Số định danh cá nhân/mã số doanh nghiệp", a.id_number),
            self.line("Địa chỉ", a.address),
            self.contact_line(a),
            self.p(f"Nội dung yêu cầu giải quyết: {esc(r.request)}"),
            self.p(f"Qua xem xét, {office} thông báo không tiếp nhận, giải quyết hồ sơ này "
                   "với lý do cụ thể như sau:"),
            *self.numbered(r.reasons),
            self.p("Xin thông báo để Ông/Bà được biết và thực hiện./."),
            self.signatures([("Người nộp hồ sơ", SIGN_HINT, a.full_name),
                             ("Người tiếp nhận hồ sơ", SIGN_HINT, r.receiving_officer)]),
        ]
        return out


# --------------------------------------------------------------------------- Mẫu 04


class ApologyRenderer(SlipRenderer[ApologyExtension]):
    """Mẫu 04: the missed appointment, the reason, the new date."""

    kind = FormKind.APOLOGY

    def story(self) -> list[Flowable]:
        r = self.record
        a = r.applicant
        body = esc(r.apologising_body)
        ident = f" (số định danh cá nhân: {esc(a.id_number)})" if a.id_number else ""
        out = self.top(r.issued_on, r.number)
        out += [
            self.p(f"Kính gửi: Ông/Bà <b>{esc(a.full_name)}</b>", "body_center"),
            Spacer(1, 4),
            self.p(f"{long_date(r.received_at).capitalize()}, {esc(r.office.office_name)} tiếp "
                   f"nhận hồ sơ của Ông/Bà {esc(a.full_name)}{ident} đề nghị giải quyết thủ "
                   f"tục: {esc(r.request)}."),
            self.p(f"Mã hồ sơ: <b>{esc(r.dossier_code)}</b>."),
            self.p("Thời gian hẹn trả kết quả giải quyết hồ sơ: "
                   f"{moment_text(r.old_appointment)}."),
            self.p(f"Tuy nhiên đến nay, {body} chưa thể trả kết quả giải quyết hồ sơ của Ông/Bà "
                   "đúng hẹn như đã ghi trong Giấy tiếp nhận hồ sơ và hẹn trả kết quả."),
            self.p(f"Lý do: {esc(r.reason)}"),
            self.p(f"Sự chậm trễ này đã gây phiền hà cho Ông/Bà. {body} xin lỗi Ông/Bà và đề "
                   "nghị gia hạn thời gian giải quyết hồ sơ. Kết quả giải quyết hồ sơ sẽ được "
                   f"trả vào: <b>{moment_text(r.new_appointment)}</b>."),
            self.p("Xin trân trọng cảm ơn./."),
            self.signatures([("", "", ""), (r.signer_title, SEAL_HINT, r.signer_name)]),
        ]
        return out


# --------------------------------------------------------------------------- Mẫu 05


class StopRenderer(SlipRenderer[StopNotice]):
    """Mẫu 05: the stop request, the stage reached, fees settled."""

    kind = FormKind.STOP

    def story(self) -> list[Flowable]:
        r = self.record
        a = r.applicant
        office = esc(r.office.office_name)
        ident = f" (số định danh cá nhân: {esc(a.id_number)})" if a.id_number else ""
        out = self.top(r.issued_on, r.number)
        out += [
            self.p(f"Kính gửi: Ông/Bà <b>{esc(a.full_name)}</b>", "body_center"),
            Spacer(1, 4),
            self.p(f"{long_date(r.received_at).capitalize()}, {office} tiếp nhận hồ sơ của Ông/Bà "
                   f"{esc(a.full_name)}{ident} đề nghị giải quyết thủ tục: {esc(r.request)}."),
            self.p(f"Mã hồ sơ: <b>{esc(r.dossier_code)}</b>."),
            self.p(f"{long_date(r.stop_requested_at).capitalize()}, Ông/Bà đề nghị dừng giải "
                   f"quyết hồ sơ nêu trên. Lý do: {esc(r.reason)}"),
            self.line("Hồ sơ đã được giải quyết đến bước", r.stage),
            self.p(f"Hồ sơ chưa có kết quả giải quyết. {office} thông báo <b>dừng giải quyết "
                   f"hồ sơ</b> nêu trên kể từ {long_date(r.issued_on)}."),
        ]
        if r.fee_amount:
            amount = (f"{money(r.fee_amount)} (Bằng chữ: "
                      f"{esc(money_in_words(r.fee_amount))})")
            said = (f"Ông/Bà đã nộp {amount}." if r.fee_paid
                    else f"phí, lệ phí của hồ sơ là {amount}, Ông/Bà chưa nộp.")
            settle = f" {esc(r.fee_settlement)}" if r.fee_settlement else ""
            out.append(self.p(f"Về phí, lệ phí: {said}{settle}"))
        else:
            out.append(self.p("Về phí, lệ phí: hồ sơ không phát sinh phí, lệ phí phải hoàn "
                              "trả."))
        out += [
            self.p("Xin thông báo để Ông/Bà được biết./."),
            self.signatures([("", "", ""), (r.signer_title, SEAL_HINT, r.signer_name)]),
        ]
        return out


# --------------------------------------------------------------------------- Mẫu 06


class ControlSlipRenderer(SlipRenderer[ControlSlip]):
    """Mẫu 06: one row per hand-over, with signatures of giver and receiver."""

    def make_styles(self) -> dict[str, ParagraphStyle]:
        styles = super().make_styles()
        for name in ("th", "td", "td_center"):
            styles[name].fontSize = self.base_size - 2
            styles[name].leading = (self.base_size - 2) * 1.15
        return styles

    kind = FormKind.CONTROL_SLIP

    def story(self) -> list[Flowable]:
        r = self.record
        out = self.top(r.issued_on, r.number)
        out += [
            self.p(f"Mã hồ sơ: {esc(r.dossier_code)}", "code"),
            self.p(f"(Kèm theo hồ sơ của: {esc(r.applicant_name)})", "subtitle"),
            self.p(f"Nội dung yêu cầu giải quyết: {esc(r.request)}"),
            self.p(f"Cơ quan (bộ phận) giải quyết hồ sơ: {esc(r.processing_body)}"),
            self.line("Cơ quan phối hợp giải quyết hồ sơ", "; ".join(r.cooperating_bodies)),
            self.p(f"Thời gian nhận hồ sơ: {moment_text(r.received_at)}"),
        ]
        due = f"Thời gian hẹn trả kết quả: {moment_text(r.appointment_at)}"
        if r.due_at is not None and r.due_at != r.appointment_at:
            due += f" (hạn giải quyết sau điều chỉnh: {moment_text(r.due_at)})"
        out.append(self.p(due))
        out.append(Spacer(1, 4))
        out.append(self.table())
        return out

    def table(self) -> Table:
        p = self.p
        head = [p("STT", "th"), p("Tên cơ quan, đơn vị giao, nhận hồ sơ", "th"),
                p("Thời gian giao, nhận hồ sơ", "th"),
                p("Kết quả giải quyết hồ sơ (trước hạn/ đúng hạn/ quá hạn)", "th"),
                p("Ghi chú", "th"), p("Người giao (ký)", "th"), p("Người nhận (ký)", "th")]
        rows: list[list[object]] = [head]
        for n, row in enumerate(self.record.rows, 1):
            rows.append([
                p(str(n), "td_center"),
                [p(f"Giao: {esc(row.giver)}", "td"), p(f"Nhận: {esc(row.receiver)}", "td")],
                p(esc(moment_text(row.at)), "td"),
                p(row.result.label if row.result else "", "td_center"),
                p(esc(row.note), "td"),
                Spacer(1, 11 * mm), "",
            ])
        w = self.frame_width / mm
        widths = [10, 44, 29, 22, w - 10 - 44 - 29 - 22 - 34, 17, 17]
        return self.grid(rows, [x * mm for x in widths])
