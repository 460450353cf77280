"""The one door through which PyQt6 enters motcua: every Qt name the UI uses, re-exported.

Widgets import from here, never from PyQt6 directly, so a Qt upgrade (or a port) touches
one file. Only desktop/ui and desktop/app.py may import this module.
"""

# ruff: noqa: F401 - this module exists to re-export Qt names
from __future__ import annotations

from PyQt6 import sip
from PyQt6.QtCore import (
    QAbstractTableModel,
    QBuffer,
    QByteArray,
    QDate,
    QDateTime,
    QElapsedTimer,
    QEvent,
    QIODevice,
    QItemSelectionModel,
    QLocale,
    QMarginsF,
    QModelIndex,
    QObject,
    QPoint,
    QRect,
    QRectF,
    QRunnable,
    QSettings,
    QSize,
    QSizeF,
    QSortFilterProxyModel,
    QStringListModel,
    Qt,
    QThread,
    QThreadPool,
    QTime,
    QTimer,
    QtMsgType,
    QTranslator,
    QUrl,
    pyqtSignal,
    pyqtSlot,
    qInstallMessageHandler,
)
from PyQt6.QtGui import (
    QAction,
    QBrush,
    QCloseEvent,
    QColor,
    QDesktopServices,
    QFont,
    QFontDatabase,
    QFontMetrics,
    QGuiApplication,
    QIcon,
    QImage,
    QKeyEvent,
    QKeySequence,
    QPageLayout,
    QPageSize,
    QPainter,
    QPalette,
    QPixmap,
    QRawFont,
    QShortcut,
    QStandardItem,
    QStandardItemModel,
)
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QProgressDialog,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QStatusBar,
    QStyle,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

Signal = pyqtSignal
Slot = pyqtSlot

# Printing and PDF libraries load on first use (they are not needed to paint the window).
_LAZY = {"QPdfDocument": "PyQt6.QtPdf", "QPrintDialog": "PyQt6.QtPrintSupport",
         "QPrinter": "PyQt6.QtPrintSupport", "QPrinterInfo": "PyQt6.QtPrintSupport",
         "QPrintPreviewDialog": "PyQt6.QtPrintSupport"}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [name for name in dir() if name[0].isupper() or name in (
    "sip", "pyqtSignal", "pyqtSlot", "qInstallMessageHandler")] + list(_LAZY)
