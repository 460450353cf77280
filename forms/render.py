"""Public API of the forms package: `render(record) -> bytes`, and one function per form.

    from forms.render import render
    pdf = render(receipt)                       # Mẫu 01, two copies on one A4
    pdf = render(receipt, FormConfig(receipt_layout="a5", numbering=CIRCULAR_01_2018))
"""

from __future__ import annotations

from typing import Any

from forms.base import Renderer
from forms.books import CertificationBookRenderer, CivilStatusBookRenderer, TrackingBookRenderer
from forms.config import FormConfig
from forms.errors import UnknownFormError
from forms.records import (
    ApologyExtension,
    CertificationBook,
    CivilStatusBook,
    ControlSlip,
    FormRecord,
    Receipt,
    Refusal,
    StopNotice,
    SupplementRequest,
    TrackingBook,
)
from forms.slips import (
    ApologyRenderer,
    ControlSlipRenderer,
    ReceiptRenderer,
    RefusalRenderer,
    StopRenderer,
    SupplementRenderer,
)

DEFAULT_CONFIG = FormConfig()

RENDERERS: dict[type, type[Renderer[Any]]] = {
    Receipt: ReceiptRenderer,
    SupplementRequest: SupplementRenderer,
    Refusal: RefusalRenderer,
    ApologyExtension: ApologyRenderer,
    StopNotice: StopRenderer,
    ControlSlip: ControlSlipRenderer,
    TrackingBook: TrackingBookRenderer,
    CivilStatusBook: CivilStatusBookRenderer,
    CertificationBook: CertificationBookRenderer,
}


def renderer_for(record: FormRecord, config: FormConfig = DEFAULT_CONFIG) -> Renderer[Any]:
    """The renderer object for a record (previews may want its hooks, e.g. the title)."""
    cls = RENDERERS.get(type(record))
    if cls is None:
        raise UnknownFormError(f"Không có mẫu in cho {type(record).__name__}.",
                               f"No printable form for {type(record).__name__}.")
    return cls(record, config)


def render(record: FormRecord, config: FormConfig = DEFAULT_CONFIG) -> bytes:
    """PDF bytes of any form or book record, chosen by the record's type."""
    return renderer_for(record, config).render()


def render_receipt(record: Receipt, config: FormConfig = DEFAULT_CONFIG) -> bytes:
    """Mẫu 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả (with QR and fee in words)."""
    return ReceiptRenderer(record, config).render()


def render_supplement_request(record: SupplementRequest,
                              config: FormConfig = DEFAULT_CONFIG) -> bytes:
    """Mẫu 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ."""
    return SupplementRenderer(record, config).render()


def render_refusal(record: Refusal, config: FormConfig = DEFAULT_CONFIG) -> bytes:
    """Mẫu 03: Phiếu từ chối tiếp nhận giải quyết hồ sơ."""
    return RefusalRenderer(record, config).render()


def render_apology(record: ApologyExtension, config: FormConfig = DEFAULT_CONFIG) -> bytes:
    """Mẫu 04: Phiếu xin lỗi và đề nghị gia hạn thời gian giải quyết."""
    return ApologyRenderer(record, config).render()


def render_stop_notice(record: StopNotice, config: FormConfig = DEFAULT_CONFIG) -> bytes:
    """Mẫu 05: Thông báo dừng giải quyết hồ sơ."""
    return StopRenderer(record, config).render()


def render_control_slip(record: ControlSlip, config: FormConfig = DEFAULT_CONFIG) -> bytes:
    """Mẫu 06: Phiếu kiểm soát quá trình giải quyết hồ sơ."""
    return ControlSlipRenderer(record, config).render()


def render_tracking_book(record: TrackingBook, config: FormConfig = DEFAULT_CONFIG) -> bytes:
    """Mẫu 07: Sổ theo dõi hồ sơ (A4 landscape)."""
    return TrackingBookRenderer(record, config).render()


def render_civil_status_book(record: CivilStatusBook,
                             config: FormConfig = DEFAULT_CONFIG) -> bytes:
    """A civil-status book volume: cover, entry pages, closing line (A4 landscape)."""
    return CivilStatusBookRenderer(record, config).render()


def render_certification_book(record: CertificationBook,
                              config: FormConfig = DEFAULT_CONFIG) -> bytes:
    """A certification book volume (SCT/BS, SCT/CK,ĐC, SCT/CKND, SCT/HĐ,GD)."""
    return CertificationBookRenderer(record, config).render()


__all__ = [
    "RENDERERS", "render", "render_apology", "render_certification_book",
    "render_civil_status_book", "render_control_slip", "render_receipt", "render_refusal",
    "render_stop_notice", "render_supplement_request", "render_tracking_book", "renderer_for",
]
