"""How tests/data/register-0006-release.sqlite3 was made: a register written by the last release
before the one-source redesign (commit 9cc87ef, schema 0006), as an office would hold it.

Run from a checkout of that commit (it needs that release's code, which spelled book entry
fields its own way in the entry dialog and in the demo generator):

    export MOTCUA_HOME=/tmp/rel06
    python -m desktop.cli setup --province 1 --commune 70 --agency-id 000.00.01.H29 \\
        --office-name "Trung tâm phục vụ hành chính công phường Ba Đình"
    python -m desktop.cli demo-data 80
    PYTHONPATH=. python tests/data/make_fixture_release_0006.py
    sqlite3 $MOTCUA_HOME/register.sqlite3 "pragma wal_checkpoint(TRUNCATE); vacuum;"

The last step but one adds one entry per civil-status book and three certifications with
every field of that release's entry dialog filled, each value naming its book and field.
"""

import os
from pathlib import Path

from desktop.register.ui_support import (  # type: ignore[attr-defined]
    BOOK_FIELDS,
    CERTIFICATION_FIELDS,
)

from desktop.register.service import Register  # type: ignore[attr-defined]

reg = Register.open(Path(os.environ["MOTCUA_HOME"]) / "register.sqlite3")
for kind, fields in BOOK_FIELDS.items():
    reg.add_logbook_entry(kind, {f.key: f"{kind} {f.label_vi} cũ" for f in fields}, "admin")
for kind in ("SCT_BS", "SCT_HD_GD", "SCT_CK_DC"):
    reg.certify(kind, [{f.key: f"{kind} {f.label_vi} cũ" for f in CERTIFICATION_FIELDS}],
                "admin")
assert reg.check().ok
reg.close()
