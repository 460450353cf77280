"""Qt's own texts in Vietnamese: standard buttons, print preview, print, page setup and file
dialogs, context menus, wizard buttons, and the calendar's month and day names.

Qt ships no qtbase_vi.qm, and PyQt6 wheels have no `lrelease` to build one, so a QTranslator
answers Qt's contexts from the table below. The source strings are Qt's own, as its shipped
catalogues (qtbase_*.qm of Qt 6.11, which carry them) and a recording of `translate()` while
Qt builds these dialogs list them. A string missing here stays in English. In English mode
nothing is installed.
"""

from __future__ import annotations

from desktop.ui.qt import QApplication, QLocale, QTranslator

# Qt context -> {Qt's English source text -> Vietnamese}. "&" marks the mnemonic letter.
VIETNAMESE: dict[str, dict[str, str]] = {
    # The standard buttons of QMessageBox and QDialogButtonBox (every platform theme).
    "QPlatformTheme": {
        "OK": "Đồng ý",
        "Save": "Lưu",
        "Save All": "Lưu tất cả",
        "Open": "Mở",
        "&Yes": "&Có",
        "Yes to &All": "Có cho &tất cả",
        "&No": "&Không",
        "N&o to All": "Không cho tất &cả",
        "Abort": "Dừng",
        "Retry": "Thử lại",
        "Ignore": "Bỏ qua",
        "Close": "Đóng",
        "Cancel": "Hủy",
        "Discard": "Bỏ thay đổi",
        "Help": "Trợ giúp",
        "Apply": "Áp dụng",
        "Reset": "Đặt lại",
        "Restore Defaults": "Khôi phục mặc định",
    },
    # The same buttons on a GNOME desktop.
    "QGnomeTheme": {
        "&OK": "Đồng ý",
        "&Cancel": "&Hủy",
        "&Save": "&Lưu",
        "&Close": "Đó&ng",
        "Close without Saving": "Đóng, không lưu",
    },
    "QDialogButtonBox": {"OK": "Đồng ý"},
    "QMessageBox": {
        "Show Details...": "Xem chi tiết…",
        "Hide Details...": "Ẩn chi tiết…",
    },
    "QPrintPreviewDialog": {
        "Print Preview": "Xem trước khi in",
        "Next page": "Trang sau",
        "Previous page": "Trang trước",
        "First page": "Trang đầu",
        "Last page": "Trang cuối",
        "Fit width": "Vừa chiều rộng",
        "Fit page": "Vừa trang",
        "Zoom in": "Phóng to",
        "Zoom out": "Thu nhỏ",
        "Portrait": "Khổ dọc",
        "Landscape": "Khổ ngang",
        "Show single page": "Xem từng trang",
        "Show facing pages": "Xem hai trang liền nhau",
        "Show overview of all pages": "Xem toàn bộ các trang",
        "Print": "In",
        "Page setup": "Thiết lập trang",
        "Page Setup": "Thiết lập trang",
        "Export to PDF": "Xuất ra PDF",
    },
    "QPrintDialog": {
        "Print": "In",
        "&Print": "&In",
        "&Options >>": "&Tùy chọn >>",
        "&Options <<": "&Tùy chọn <<",
        "Local file": "Tệp trên máy",
        "Write PDF file": "Ghi ra tệp PDF",
        "Print to File (PDF)": "In ra tệp (PDF)",
        "Print To File ...": "In ra tệp…",
        "All Pages": "Tất cả các trang",
        "Odd Pages": "Trang lẻ",
        "Even Pages": "Trang chẵn",
        "Invalid Pages Definition": "Khoảng trang không hợp lệ",
        "%1 does not follow the correct syntax. Please use ',' to separate ranges and pages, "
        "'-' to define ranges and make sure ranges do not intersect with each other.":
            "%1 không đúng cách ghi. Dùng dấu ',' để ngăn cách các trang và khoảng trang, dấu "
            "'-' để ghi một khoảng, và các khoảng không được chồng lên nhau.",
        "The 'From' value cannot be greater than the 'To' value.":
            "Trang bắt đầu không được lớn hơn trang kết thúc.",
        "%1 already exists.\nDo you want to overwrite it?": "%1 đã có.\nGhi đè lên tệp này?",
        "%1 is a directory.\nPlease choose a different file name.":
            "%1 là một thư mục.\nHãy chọn tên tệp khác.",
        "File %1 is not writable.\nPlease choose a different file name.":
            "Không ghi được vào tệp %1.\nHãy chọn tên tệp khác.",
        "Duplex Settings Conflicts": "Thiết lập in hai mặt mâu thuẫn",
        "There are conflicts in duplex settings. Do you want to fix them?":
            "Thiết lập in hai mặt có mâu thuẫn. Sửa lại?",
        "Options 'Pages Per Sheet' and 'Page Set' cannot be used together.\nPlease turn one of "
        "those options off.": "Không dùng cùng lúc «Số trang mỗi tờ» và «Nhóm trang».\nHãy "
                             "tắt một trong hai.",
        "Left to Right, Top to Bottom": "Trái sang phải, trên xuống dưới",
        "Left to Right, Bottom to Top": "Trái sang phải, dưới lên trên",
        "Right to Left, Bottom to Top": "Phải sang trái, dưới lên trên",
        "Right to Left, Top to Bottom": "Phải sang trái, trên xuống dưới",
        "Bottom to Top, Left to Right": "Dưới lên trên, trái sang phải",
        "Bottom to Top, Right to Left": "Dưới lên trên, phải sang trái",
        "Top to Bottom, Left to Right": "Trên xuống dưới, trái sang phải",
        "Top to Bottom, Right to Left": "Trên xuống dưới, phải sang trái",
    },
    "QPrintSettingsOutput": {
        "Copies": "Số bản",
        "Copies:": "Số bản:",
        "Collate": "In theo bộ",
        "Reverse": "In ngược thứ tự",
        "Options": "Tùy chọn",
        "Output Settings": "Thiết lập in",
        "Print range": "Phạm vi in",
        "Print all": "In tất cả",
        "Pages from": "Từ trang",
        "to": "đến",
        "Pages": "Các trang",
        "Current Page": "Trang hiện tại",
        "Selection": "Phần đã chọn",
        "Page &Set:": "&Nhóm trang:",
        "Color Mode": "Chế độ màu",
        "Color": "In màu",
        "Grayscale": "Đen trắng",
        "Double Sided Printing": "In hai mặt",
        "Off": "Tắt",
        "Long side binding": "Lật theo cạnh dài",
        "Short side binding": "Lật theo cạnh ngắn",
        "Specify pages or ranges separated by commas. Ranges are specified by two numbers "
        "separated by a hyphen. E.g: 3,5-7,9 prints pages 3, 5, 6, 7 and 9.":
            "Ghi các trang hoặc khoảng trang, ngăn cách bằng dấu phẩy; một khoảng là hai số "
            "nối bằng dấu gạch ngang. Ví dụ: 3,5-7,9 in các trang 3, 5, 6, 7 và 9.",
    },
    "QPrintWidget": {
        "Printer": "Máy in",
        "&Name:": "&Tên:",
        "P&roperties": "Th&uộc tính",
        "Location:": "Vị trí:",
        "Preview": "Xem trước",
        "Type:": "Loại:",
        "Output &file:": "&Tệp in ra:",
    },
    "QPrintPropertiesDialog": {
        "Printer Properties": "Thuộc tính máy in",
        "Job Options": "Tùy chọn lệnh in",
        "Page Setup Conflicts": "Thiết lập trang mâu thuẫn",
        "There are conflicts in page setup options. Do you want to fix them?":
            "Thiết lập trang có mâu thuẫn. Sửa lại?",
        "Advanced Option Conflicts": "Tùy chọn nâng cao mâu thuẫn",
        "There are conflicts in some advanced options. Do you want to fix them?":
            "Một số tùy chọn nâng cao có mâu thuẫn. Sửa lại?",
    },
    "QPrintPropertiesWidget": {
        "Page": "Trang",
        "Advanced": "Nâng cao",
        "There are conflicts in some options. Please fix them.":
            "Một số tùy chọn có mâu thuẫn. Hãy sửa lại.",
    },
    "QPageSetupWidget": {
        "Paper": "Giấy",
        "Page size:": "Khổ giấy:",
        "Width:": "Rộng:",
        "Height:": "Cao:",
        "Paper source:": "Khay giấy:",
        "Orientation": "Hướng giấy",
        "Portrait": "Dọc",
        "Landscape": "Ngang",
        "Reverse landscape": "Ngang, lật ngược",
        "Reverse portrait": "Dọc, lật ngược",
        "Margins": "Lề",
        "top margin": "lề trên",
        "bottom margin": "lề dưới",
        "left margin": "lề trái",
        "right margin": "lề phải",
        "Page Layout": "Bố cục trang",
        "Page &order:": "&Thứ tự trang:",
        "Pages &per sheet:": "Số trang &mỗi tờ:",
        "Custom": "Tùy chỉnh",
        "Millimeters (mm)": "Milimét (mm)",
        "Inches (in)": "Inch (in)",
        "Points (pt)": "Point (pt)",
    },
    "Print Device Input Slot": {"Automatic": "Tự động"},
    "Print Device Output Bin": {"Automatic": "Tự động"},
    "QFileDialog": {
        "Open": "Mở",
        "Save As": "Lưu thành",
        "Find Directory": "Chọn thư mục",
        "&Open": "&Mở",
        "&Save": "&Lưu",
        "&Choose": "&Chọn",
        "&Look in:": "&Tìm trong:",
        "File &name:": "&Tên tệp:",
        "Files of &type:": "&Loại tệp:",
        "Directory:": "Thư mục:",
        "All Files (*)": "Tất cả các tệp (*)",
        "All files (*)": "Tất cả các tệp (*)",
        "Directories": "Thư mục",
        "Files": "Tệp",
        "Back": "Lùi",
        "Forward": "Tiến",
        "Go back": "Quay lại",
        "Go forward": "Đi tiếp",
        "Parent Directory": "Thư mục cha",
        "Go to the parent directory": "Lên thư mục cha",
        "Create New Folder": "Tạo thư mục mới",
        "Create a New Folder": "Tạo một thư mục mới",
        "New Folder": "Thư mục mới",
        "&New Folder": "Thư mục &mới",
        "List View": "Dạng danh sách",
        "Detail View": "Dạng chi tiết",
        "Change to list view mode": "Chuyển sang dạng danh sách",
        "Change to detail view mode": "Chuyển sang dạng chi tiết",
        "Sidebar": "Thanh bên",
        "List of places and bookmarks": "Các vị trí và dấu trang",
        "Recent Places": "Vị trí gần đây",
        "Show ": "Hiện ",
        "Show &hidden files": "Hiện tệp ẩ&n",
        "&Rename": "Đổi &tên",
        "&Delete": "&Xóa",
        "Delete": "Xóa",
        "Remove": "Xóa",
        "%1 already exists.\nDo you want to replace it?": "%1 đã có.\nThay thế tệp này?",
        "%1\nFile not found.\nPlease verify the correct file name was given.":
            "%1\nKhông tìm thấy tệp.\nHãy kiểm tra lại tên tệp.",
        "%1\nDirectory not found.\nPlease verify the correct directory name was given.":
            "%1\nKhông tìm thấy thư mục.\nHãy kiểm tra lại tên thư mục.",
        "'%1' is write protected.\nDo you want to delete it anyway?":
            "'%1' đang được bảo vệ chống ghi.\nVẫn xóa?",
        "Are you sure you want to delete '%1'?": "Xóa '%1'?",
        "Could not delete directory.": "Không xóa được thư mục.",
    },
    "QFileSystemModel": {
        "Name": "Tên",
        "Size": "Kích thước",
        "Type": "Loại",
        "Kind": "Loại",
        "Date Modified": "Ngày sửa",
        "Computer": "Máy tính",
        "My Computer": "Máy tính",
    },
    "QAbstractFileIconProvider": {
        "Drive": "Ổ đĩa",
        "File": "Tệp",
        "File Folder": "Thư mục",
        "Folder": "Thư mục",
        "Shortcut": "Lối tắt",
        "Alias": "Lối tắt",
        "Unknown": "Không rõ",
    },
    # Right-click menus of text fields and spin boxes.
    "QLineEdit": {
        "&Undo": "&Hoàn tác",
        "&Redo": "&Làm lại",
        "Cu&t": "&Cắt",
        "&Copy": "&Sao chép",
        "&Paste": "&Dán",
        "Delete": "Xóa",
        "Select All": "Chọn tất cả",
    },
    "QWidgetTextControl": {
        "&Undo": "&Hoàn tác",
        "&Redo": "&Làm lại",
        "Cu&t": "&Cắt",
        "&Copy": "&Sao chép",
        "Copy &Link Location": "Sao chép địa chỉ &liên kết",
        "&Paste": "&Dán",
        "Delete": "Xóa",
        "Select All": "Chọn tất cả",
    },
    "QAbstractSpinBox": {
        "&Select All": "&Chọn tất cả",
        "&Step up": "&Tăng",
        "Step &down": "&Giảm",
    },
    "QUnicodeControlCharacterMenu": {
        "Insert Unicode control character": "Chèn ký tự điều khiển Unicode",
    },
    "QScrollBar": {
        "Scroll here": "Cuộn đến đây",
        "Top": "Lên đầu",
        "Bottom": "Xuống cuối",
        "Left edge": "Sát trái",
        "Right edge": "Sát phải",
        "Page up": "Lên một trang",
        "Page down": "Xuống một trang",
        "Page left": "Sang trái một trang",
        "Page right": "Sang phải một trang",
        "Scroll up": "Cuộn lên",
        "Scroll down": "Cuộn xuống",
        "Scroll left": "Cuộn sang trái",
        "Scroll right": "Cuộn sang phải",
    },
    "QWizard": {
        "< &Back": "< &Quay lại",
        "&Next >": "&Tiếp theo >",
        "&Next": "&Tiếp theo",
        "&Finish": "&Hoàn tất",
        "Cancel": "Hủy",
        "Commit": "Xác nhận",
        "Continue": "Tiếp tục",
        "Done": "Xong",
        "Go Back": "Quay lại",
        "&Help": "&Trợ giúp",
        "Help": "Trợ giúp",
    },
    "QProgressDialog": {"Cancel": "Hủy"},
    "QTabBar": {"Scroll Left": "Cuộn sang trái", "Scroll Right": "Cuộn sang phải"},
    "CloseButton": {"Close Tab": "Đóng thẻ"},
    "QDialog": {"What's This?": "Đây là gì?"},
    "QWhatsThisAction": {"What's This?": "Đây là gì?"},
}


class QtVietnamese(QTranslator):
    """Answers Qt's own contexts from VIETNAMESE; None leaves a string to other translators
    (and finally to Qt's English)."""

    def translate(self, context: str | None, source_text: str | None,
                  disambiguation: str | None = None, n: int = -1) -> str | None:
        return VIETNAMESE.get(context or "", {}).get(source_text or "")

    def isEmpty(self) -> bool:
        return False


_installed: QtVietnamese | None = None


def set_qt_language(app: QApplication, lang: str) -> None:
    """Qt's texts and the default locale (calendar month and day names) in `lang`: Vietnamese
    installs the translator; English removes it and puts the locale back to the system's."""
    global _installed
    if lang == "vi" and _installed is None:
        _installed = QtVietnamese(app)
        app.installTranslator(_installed)
        QLocale.setDefault(QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam))
    elif lang != "vi" and _installed is not None:
        app.removeTranslator(_installed)
        _installed = None
        QLocale.setDefault(QLocale.system())
