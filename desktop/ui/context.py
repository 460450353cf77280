"""What every window receives in its constructor: the register, the user, preferences, printing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from desktop.register.accounts import ROLES, can
from desktop.ui.i18n import pair
from desktop.ui.qt import QObject, Signal

if TYPE_CHECKING:
    from desktop.register.catalogue import Catalogue
    from desktop.register.service import Register
    from desktop.register.views import AccountView
    from desktop.ui.printing import PrintService
    from desktop.ui.settings import UiSettings


class Bus(QObject):
    """Tells open windows that the register changed (a write finished)."""

    dossier_changed = Signal(str)  # uid or code
    register_changed = Signal()
    open_dossier = Signal(str)  # ask the main window to open a dossier by uid or code


@dataclass
class AppContext:
    register: Register
    user: AccountView
    settings: UiSettings
    printer: PrintService
    bus: Bus
    catalogue: Catalogue
    extras: dict[str, Any] = field(default_factory=dict)

    def can(self, action: str) -> bool:
        return can(self.user.role, action)

    @property
    def role_label(self) -> str:
        vi, en = ROLES.get(self.user.role, (self.user.role, self.user.role))
        return pair(vi, en)

    def now(self) -> datetime:
        return self.register.clock()

    def procedure_name(self, code: str) -> str:
        try:
            return self.catalogue.procedure(code).name
        except Exception:  # noqa: BLE001 - an old catalogue's code: show the code itself
            return code
