"""The sync client: enrollment, and one sync run in named stages over HTTPS with requests.

A run goes: status (is the server there, what does it hold of this device) → clock (the
PC's clock against the server's; reported, never used for ordering) → check (did the server
come back from an older backup?) → push (unacknowledged events in small gzip batches; only
the server's answer acknowledges) → pull (the server's cursor, saved with each batch in one
local transaction) → rules (catalogue and calendar publications) → finish. Every stage
ends in a value: `run_once()` returns a `SyncResult`, never a bare boolean, and never raises
for a network, server or keyring problem.

The package does not import the desktop package: it talks to a `SyncStore` (the register
implements one) with plain dicts as wire events (sync.protocol), to a `Transport` (one
`requests.Session`), and to a `CredentialStore` (the keyring).

The parts: `values` (error codes, `SyncError`, results, the `SyncStore` and `Transport`
interfaces), `transport` (HTTP), `engine` (one run), `enrollment` (enroll, wiring). Callers
import from `sync.client`.
"""

from __future__ import annotations

from sync.client.engine import CURSOR_KEY, SyncEngine, _format_skew
from sync.client.enrollment import EnrollResult, engine_for, enroll, last_error, transport_for
from sync.client.transport import (
    HttpTransport,
    _retry_after,
    app_version,
    normalise_url,
    user_agent,
)
from sync.client.values import (
    CLIENT_ERRORS,
    PERMANENT_CODES,
    SKEW_WARNING_SECONDS,
    ErrorInfo,
    IngestOutcome,
    Notice,
    Progress,
    RetryPolicy,
    Stage,
    SyncError,
    SyncResult,
    SyncStore,
    Transport,
)

__all__ = [
    "CLIENT_ERRORS", "CURSOR_KEY", "PERMANENT_CODES", "SKEW_WARNING_SECONDS", "EnrollResult",
    "ErrorInfo", "HttpTransport", "IngestOutcome", "Notice", "Progress", "RetryPolicy",
    "Stage", "SyncEngine", "SyncError", "SyncResult", "SyncStore", "Transport",
    "_format_skew", "_retry_after", "app_version", "engine_for", "enroll", "last_error",
    "normalise_url", "transport_for", "user_agent",
]
