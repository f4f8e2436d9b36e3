"""Names and defaults shared across the contract suite."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC_PATH = ROOT / "openapi" / "contacts.yaml"
REPORTS_DIR = ROOT / "reports"
JUNIT_PATH = REPORTS_DIR / "contract-junit.xml"

OPERATION_PATH = "/whatsapp/contacts"
API_KEY_HEADER = "X-API-Key"
MASK = "***"

# Environment variables (all optional).
ENV_BASE_URL = "KAPSO_BASE_URL"
ENV_API_KEY = "KAPSO_API_KEY"
ENV_MAX_REQUESTS = "KAPSO_CONTRACT_MAX_REQUESTS"
ENV_PROFILE = "KAPSO_CONTRACT_PROFILE"
ENV_SEED = "KAPSO_CONTRACT_SEED"
ENV_STRICT_DRIFT = "KAPSO_CONTRACT_STRICT_DRIFT"
ENV_STRICT_BUDGET = "KAPSO_CONTRACT_STRICT_BUDGET"
ENV_FAKE_CONTACTS = "KAPSO_CONTRACT_FAKE_CONTACTS"

# A live run never sends more than this many requests unless told otherwise.
DEFAULT_LIVE_MAX_REQUESTS = 1000
# The embedded fake: same data as `make fake` (1000 contacts, seed 1).
FAKE_CONTACTS = 1000
FAKE_SEED = 1
# In-process requests go to this URL, so a reproduction runs against `make fake`.
FAKE_BASE_URL = "http://127.0.0.1:8080/platform/v1"

# Query parameters by role (docs page + spec).
STRING_FILTERS = (
    "customer_id",
    "customer_external_id",
    "profile_name_contains",
    "wa_id_contains",
    "business_scoped_user_id",
)
DATE_FILTERS = ("created_after", "created_before")
FILTERS = (*STRING_FILTERS, "has_customer", *DATE_FILTERS)
LEGACY_PARAMS = ("page", "per_page")
CURSOR_PARAMS = ("limit", "after", "before")

# Documented ranges (docs page: "Required range"; spec: minimum 1 on page/per_page).
LIMIT_RANGE = (1, 100)
PER_PAGE_RANGE = (1, 100)
PAGE_RANGE = (1, 50)
MAX_LEGACY_WINDOW = 5000
LEGACY_LIMIT_MESSAGE = "legacy_offset_pagination_limit_exceeded"
