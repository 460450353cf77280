"""The change bus: every write of the register, local or pulled, re-emitted as one Qt signal.

The register tells its listeners what each committed write changed (a frozen `Changes`), on
the thread that wrote: the write worker, or the GUI thread in a test. `ChangeBus` turns that
into `changed(Changes)`, delivered on the GUI thread, and every page and window that shows
the data subscribes to it and refreshes what it shows (Anki's OpChanges, Electrum's event
bridge). It is made once by desktop/app.py and handed to the widgets in their AppContext.
"""

from __future__ import annotations

import logging
import weakref
from typing import Any

from desktop.register.writer import Changes
from desktop.ui.qt import QObject, Signal, sip

log = logging.getLogger(__name__)


class ChangeBus(QObject):
    """What the open windows hear from the register, and one request they make of each other."""

    changed = Signal(object)  # Changes: after every committed write, local or pulled
    open_dossier = Signal(str)  # ask the main window to open a dossier by uid or code

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._register: Any = None
        self._listener: Any = None

    def attach(self, register: Any) -> None:
        """Hear `register`'s changes (once; attaching another register leaves the first)."""
        if register is self._register:
            return
        self.detach()
        ref = weakref.ref(self)

        def forward(changes: Changes) -> None:
            bus = ref()
            if bus is None or sip.isdeleted(bus):
                register.remove_listener(forward)
                return
            if changes.rules:
                # Read the new rules here, on the writing thread: the GUI thread then finds
                # them cached.
                try:
                    register.catalogue()
                    register.calendar()
                except Exception:  # the views read them again and report the error
                    log.exception("rules could not be read after a change")
            bus.changed.emit(changes)

        register.add_listener(forward)
        self._register, self._listener = register, forward

    def detach(self) -> None:
        if self._register is not None:
            self._register.remove_listener(self._listener)
        self._register = self._listener = None
