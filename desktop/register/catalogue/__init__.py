"""The procedure catalogue: versioned, validated rules for procedures, fees, deadlines and books.

``model`` holds the records and the set of versions, ``books`` the book kinds with their entry
schemas (fields and printed columns), ``parse`` reads and validates catalogue files, ``search``
finds procedures as a clerk types. Import from here: the names below are the package's API.
"""

from desktop.register.catalogue.books import (
    BOOK_GROUPS,
    COLUMN_KINDS,
    FIELD_TYPES,
    PREFILL_SOURCES,
    SYSTEM_KEYS,
    BookColumn,
    BookKind,
    EntryField,
    prefill,
    prefill_sources,
)
from desktop.register.catalogue.model import (
    CATALOGUE_FORMAT,
    EXTENSION_MODES,
    PROCESSING_UNITS,
    Catalogue,
    CatalogueSet,
    DocumentRequirement,
    Exemption,
    Extension,
    Fee,
    Field,
    PageTier,
    Procedure,
    Processing,
)
from desktop.register.catalogue.parse import (
    book_schema_amendment,
    bundled_catalogue_dir,
    load_catalogue,
    load_catalogue_set,
    parse_catalogue,
)
from desktop.register.catalogue.search import find_procedures

__all__ = [
    "BOOK_GROUPS",
    "CATALOGUE_FORMAT",
    "COLUMN_KINDS",
    "EXTENSION_MODES",
    "FIELD_TYPES",
    "PREFILL_SOURCES",
    "PROCESSING_UNITS",
    "SYSTEM_KEYS",
    "BookColumn",
    "BookKind",
    "Catalogue",
    "CatalogueSet",
    "DocumentRequirement",
    "EntryField",
    "Exemption",
    "Extension",
    "Fee",
    "Field",
    "PageTier",
    "Procedure",
    "Processing",
    "book_schema_amendment",
    "bundled_catalogue_dir",
    "find_procedures",
    "load_catalogue",
    "load_catalogue_set",
    "parse_catalogue",
    "prefill",
    "prefill_sources",
]
