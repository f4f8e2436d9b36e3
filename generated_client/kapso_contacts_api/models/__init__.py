"""Contains all the data models used in inputs/outputs"""

from .contact import Contact
from .contact_list import ContactList
from .contact_metadata_type_0 import ContactMetadataType0
from .cursor_paging import CursorPaging
from .cursor_pair import CursorPair
from .error import Error
from .legacy_meta import LegacyMeta
from .legacy_pagination_limit_error import LegacyPaginationLimitError

__all__ = (
    "Contact",
    "ContactList",
    "ContactMetadataType0",
    "CursorPaging",
    "CursorPair",
    "Error",
    "LegacyMeta",
    "LegacyPaginationLimitError",
)
