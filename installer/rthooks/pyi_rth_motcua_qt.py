"""Run-time hook of the frozen motcua, in place of PyInstaller's pyi_rth_pyqt6.

PyInstaller's hook imports PyQt6.QtCore at every start to check for an embedded qt.conf that
the PyQt6 wheels already provide; that costs the command-line commands (`motcua --version`,
`motcua sync` every 30 minutes) about 20 ms and loads Qt for nothing. This one only tells Qt
where its plugins are, which is all a PyPI PyQt6 needs; QtCore loads when the UI imports it.
"""

import os
import sys


def _motcua_qt_paths() -> None:
    qt_dir = os.path.join(sys._MEIPASS, "PyQt6", "Qt6")  # type: ignore[attr-defined]
    os.environ["QT_PLUGIN_PATH"] = os.path.join(qt_dir, "plugins")
    if sys.platform.startswith("win"):  # DLLs collected beside the program (OpenSSL & co.)
        os.environ["PATH"] = sys._MEIPASS + os.pathsep + os.environ.get("PATH", "")  # type: ignore[attr-defined]


_motcua_qt_paths()
del _motcua_qt_paths
