"""What every window receives in its constructor: the register, the user, preferences, printing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from desktop.register.accounts import ROLES, can
from desktop.ui.changes import ChangeBus
from desktop.ui.i18n import pair

if TYPE_CHECKING:
    from desktop.register.catalogue import Catalogue
    from desktop.register.service import Register
    from desktop.register.views import AccountView
    from desktop.register.writer import Changes
    from desktop.ui.printing import PrintService
    from desktop.ui.settings import UiSettings


# The bus every window hears the register's changes on (desktop/ui/changes.py).
Bus = ChangeBus


@dataclass
class AppContext:
    register: Register
    user: AccountView
    settings: UiSettings
    printer: PrintService
    bus: Bus
    catalogue: Catalogue
    extras: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # The rules are read again whenever they change (a catalogue or calendar pulled from
        # the province, an override typed here), before the windows hear of the change.
        self.bus.attach(self.register)
        self.bus.changed.connect(self._rules_changed)

    def _rules_changed(self, changes: Changes) -> None:
        if changes.rules:
            self.catalogue = self.register.catalogue()

    def catalogue_of(self, version: str | None) -> Catalogue:
        """The catalogue version a dossier was received under (the one in force when the
        register does not hold it)."""
        if version and version in self.register.catalogues().versions:
            return self.register.catalogues().get(version)
        return self.catalogue

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
