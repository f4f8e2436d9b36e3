"""Clean-room test server for Kapso's ``GET /platform/v1/whatsapp/contacts``.

Written only from Kapso's public docs page and a list of public facts; every point where those
are silent is a reading of our own, listed in ``READINGS.md`` next to this file.
Standard library only: ``ThreadingHTTPServer`` with the data held in memory.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import copy
import hmac
import json
import random
import re
import sys
import threading
import time
import traceback
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

BASE_PATH = "/platform/v1"
ENDPOINT = BASE_PATH + "/whatsapp/contacts"
MAX_PAGE, MAX_WINDOW, MAX_PER_PAGE, MAX_LIMIT, DEFAULT_SIZE = 50, 5000, 100, 100, 20
CURSOR_COLUMNS = ["created_at", "id"]
# fmt: off
FILTERS = ("customer_id", "customer_external_id", "has_customer", "profile_name_contains",
           "wa_id_contains", "business_scoped_user_id", "created_after", "created_before")
# fmt: on
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_TS_RE = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[Tt ]([0-9]{2}):([0-9]{2})"
    r"(?::([0-9]{2})(?:[.,]([0-9]{1,30}))?)?([Zz]|[+-][0-9]{2}(?::?[0-9]{2})?)?)?"
)
_CANONICAL_TS_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z")
_INT_RE = re.compile(r"-?[0-9]{1,18}")
_BOOLS = {"true": True, "1": True, "false": False, "0": False}

Json = dict[str, Any]


# --------------------------------------------------------------------------- time helpers
def to_us(dt: datetime) -> int:
    """Microseconds since the Unix epoch (exact integer arithmetic)."""
    return (dt - EPOCH) // timedelta(microseconds=1)


def format_ts(us: int) -> str:
    return (EPOCH + timedelta(microseconds=us)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_ts(text: str) -> tuple[int, bool] | None:
    """Parse an ISO 8601 timestamp into (floor microseconds, had sub-microsecond rest)."""
    m = _TS_RE.fullmatch(text)
    if m is None:
        return None
    year, month, day, hh, mi, ss, frac, off = m.groups()
    try:
        local = datetime(
            int(year), int(month), int(day), int(hh or 0), int(mi or 0), int(ss or 0), tzinfo=UTC
        )
    except ValueError:
        return None
    frac = frac or ""
    us = to_us(local) + int(frac[:6].ljust(6, "0"))
    if off and off not in "Zz":
        digits = off[1:].replace(":", "")
        oh, om = int(digits[:2]), int(digits[2:] or 0)
        if oh > 23 or om > 59:
            return None
        us -= (1 if off[0] == "+" else -1) * (oh * 60 + om) * 60_000_000
    return us, frac[6:].strip("0") != ""


# --------------------------------------------------------------------------- data
# fmt: off
# Awkward names; each is used once when there are enough contacts.
SPECIAL_NAMES = [
    "ÉLODIE Dupré", "élodie martin", "Øystein Ødegård", "ΣΟΦΊΑ ΠΑΠΑΔΟΠΟΎΛΟΥ", "Οδυσσέας Σοφός",
    "Łukasz Żółkiewski", "İsmail Y\u0131ld\u0131z", "Straße Groß", "STRASSE GROSS", "Maria 🌸",
    "🎉🎉🎉", "100% Juice", "50%_off Bar", "snake_case_name", "__init__", "Dr. O'Neil", "李雷",
    "محمد علي", "ǅemal Ǆukić", "ﬁona ﬂynn", "Ñandú Peña", "Jose\u0301 Decomposed", "",
    "  padded  ", 'Quote "Q" Back\\slash',
]
FIRST = ["John", "Jane", "María", "José", "Ana", "Chen", "Priya", "Ahmed", "Zoë", "Åsa", "Émile",
         "Olga", "Kwame", "Lucía", "Jürgen"]
LAST = ["Doe", "Smith", "García", "Müller", "Nguyen", "Kowalski", "Øberg", "Silva", "Ito",
        "Dubois", "Rossi", "Öztürk", "Khan"]
COUNTRIES = [("1", "US", 10), ("44", "GB", 10), ("52", "MX", 10), ("34", "ES", 9),
             ("91", "IN", 10), ("55", "BR", 11), ("49", "DE", 11)]
# fmt: on
DATA_START = to_us(datetime(2024, 1, 1, tzinfo=UTC))
DATA_END = to_us(datetime(2025, 12, 31, 23, 59, 59, tzinfo=UTC))


def _metadata(rng: random.Random) -> Json | None:
    shapes: list[Json | None] = [None, {}, {"segment": "vip"}, {"source": "sandbox"}]
    shapes += [{"notes": None}, {"tags": ["lead", "es"], "score": 4.5, "opt_in": True}]
    shapes += [{"address": {"city": "Zürich", "zip": "8001"}, "orders": 3}, {"✅": "%", "_": []}]
    return copy.deepcopy(rng.choice(shapes))


def _new_contact(
    rng: random.Random,
    created: int,
    name: str,
    customers: list[tuple[str, str | None]],
    used_wa: set[str],
) -> Json:
    wa_id: str | None = None
    cc, iso, width = rng.choice(COUNTRIES)
    if rng.random() >= 0.08:
        while wa_id is None or wa_id in used_wa:
            wa_id = cc + str(rng.randrange(10 ** (width - 1), 10**width))
        used_wa.add(wa_id)
    bsuid = (
        f"{iso}.{rng.randrange(10**15, 10**16)}" if wa_id is None or rng.random() < 0.4 else None
    )
    parent = f"{iso}.{rng.randrange(10**15, 10**16)}" if bsuid and rng.random() < 0.1 else None
    customer = rng.choice(customers) if customers and rng.random() < 0.55 else None
    updated = created if rng.random() < 0.5 else created + rng.randrange(1, 120 * 86_400_000_000)
    return {
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "wa_id": wa_id,
        "business_scoped_user_id": bsuid,
        "parent_business_scoped_user_id": parent,
        "username": f"user{rng.randrange(10**5)}" if rng.random() < 0.25 else None,
        "profile_name": name,
        "display_name": rng.choice([f"{name} (VIP)", "VIP", "", f"~{name}"])
        if rng.random() < 0.4
        else None,
        "customer_id": customer[0] if customer else None,
        "metadata": _metadata(rng),
        "created_at": format_ts(created),
        "updated_at": format_ts(max(created, min(updated, DATA_END))),
        "_customer_external_id": customer[1] if customer else None,
    }


def _make_customers(rng: random.Random, count: int) -> list[tuple[str, str | None]]:
    """(customer_id, external_id or None); ids unique, external ids unique (case-sensitive)."""
    forms = ["crm-{:05d}", "EXT_{}", "ext%{}", "Cliente-{}-Ñ", "{}"]
    out: list[tuple[str, str | None]] = []
    for k in range(count):
        ext = rng.choice(forms).format(k) if rng.random() < 0.7 else None
        out.append((str(uuid.UUID(int=rng.getrandbits(128), version=4)), ext))
    if count >= 2:  # two external ids differing only in case
        out[0], out[1] = (out[0][0], "ACME-1"), (out[1][0], "acme-1")
    return out


def sort_key(contact: Json) -> tuple[str, str]:
    return contact["created_at"], contact["id"]


def make_data(contacts: int, seed: int) -> list[dict[str, Any]]:
    """Deterministic contacts, newest first (created_at desc, id desc).

    Each dict holds the public contact fields plus one private key, ``_customer_external_id``
    (the external id of the linked customer), which the server never serves.
    """
    rng = random.Random(seed)
    customers = _make_customers(rng, max(1, contacts // 5))
    times: list[int] = []
    for i in range(contacts):
        if 30 <= i < 35:  # a bulk import: five contacts on one whole second
            times.append(
                times[-1] if i > 30 else rng.randrange(DATA_START, DATA_END) // 10**6 * 10**6
            )
        elif times and rng.random() < 0.12:  # ties with a recent timestamp
            times.append(rng.choice(times[-5:]))
        else:
            t = rng.randrange(DATA_START, DATA_END)
            times.append(t - t % 1_000_000 if rng.random() < 0.15 else t)
    used: set[str] = set()
    names = [
        SPECIAL_NAMES[i] if i < len(SPECIAL_NAMES) else f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        for i in range(contacts)
    ]
    data = [_new_contact(rng, t, n, customers, used) for t, n in zip(times, names, strict=True)]
    data.sort(key=sort_key, reverse=True)
    return data


# --------------------------------------------------------------------------- query handling
class ApiError(Exception):
    def __init__(self, status: int, body: Json) -> None:
        super().__init__(status)
        self.status, self.body = status, body


def bad(text: str) -> ApiError:
    return ApiError(400, {"error": text})


class _Row(NamedTuple):
    key: tuple[int, str]  # (created_at in microseconds, id)
    folded_name: str
    contact: Json


def _row(contact: Json) -> _Row:
    parsed = parse_ts(contact["created_at"])
    assert parsed is not None
    return _Row((parsed[0], contact["id"]), contact["profile_name"].casefold(), contact)


@dataclass
class Filters:
    customer_id: str | None = None
    customer_external_id: str | None = None
    has_customer: bool | None = None
    name: str | None = None
    wa_id: str | None = None
    bsuid: str | None = None
    after_us: int | None = None  # created_at must be > this (exclusive)
    before_us: int | None = None  # created_at must be < this (exclusive)

    def match(self, row: _Row) -> bool:
        c, created = row.contact, row.key[0]
        return (
            (self.customer_id is None or c["customer_id"] == self.customer_id)
            and (self.customer_external_id in (None, c["_customer_external_id"]))
            and (self.has_customer is None or (c["customer_id"] is not None) == self.has_customer)
            and (self.name is None or self.name in row.folded_name)
            and (self.wa_id is None or (c["wa_id"] is not None and self.wa_id in c["wa_id"]))
            and (self.bsuid is None or c["business_scoped_user_id"] == self.bsuid)
            and (self.after_us is None or created > self.after_us)
            and (self.before_us is None or created < self.before_us)
        )


def _int(params: dict[str, str], name: str, default: int) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    if not _INT_RE.fullmatch(raw):
        raise bad(f"{name} must be an integer")
    return int(raw)


def parse_filters(params: dict[str, str]) -> Filters:
    f = Filters(
        customer_external_id=params.get("customer_external_id"),
        wa_id=params.get("wa_id_contains"),
        bsuid=params.get("business_scoped_user_id"),
    )
    if "customer_id" in params:
        try:
            f.customer_id = str(uuid.UUID(params["customer_id"]))
        except ValueError:
            f.customer_id = "(no such customer)"  # not a UUID: matches nothing
    if "has_customer" in params:
        value = _BOOLS.get(params["has_customer"].lower())
        if value is None:
            raise bad("has_customer must be true or false")
        f.has_customer = value
    if "profile_name_contains" in params:
        f.name = params["profile_name_contains"].casefold()
    for name in ("created_after", "created_before"):
        if name in params:
            parsed = parse_ts(params[name])
            if parsed is None:
                raise bad(f"{name} must be an ISO 8601 date-time")
            us, inexact = parsed
            if name == "created_after":
                f.after_us = us  # c > t  <=>  c > floor(t) for whole microseconds
            else:
                f.before_us = us + 1 if inexact else us  # c < t  <=>  c < ceil(t)
    return f


def encode_cursor(row: _Row) -> str:
    doc = {"values": [row.contact["created_at"], row.contact["id"]], "columns": CURSOR_COLUMNS}
    return base64.b64encode(json.dumps(doc, separators=(",", ":")).encode()).decode()


def decode_cursor(name: str, text: str) -> tuple[int, str]:
    error = bad(f"Invalid {name} cursor")
    if len(text) > 2048 or len(text) % 4 == 1:
        raise error
    text = text.replace("-", "+").replace("_", "/") + "=" * (-len(text) % 4)
    try:
        doc = json.loads(base64.b64decode(text, validate=True).decode("utf-8"))
        values = doc["values"]
        ok = doc["columns"] == CURSOR_COLUMNS and isinstance(values, list) and len(values) == 2
        stamp, cid = values if ok else ("", "")
        parsed = parse_ts(stamp) if _CANONICAL_TS_RE.fullmatch(stamp) else None
        if parsed is None:
            raise error
        return parsed[0], str(uuid.UUID(cid))
    except (binascii.Error, ValueError, TypeError, KeyError, AttributeError, RecursionError):
        raise error from None


def _legacy_limit_error(page: int, per_page: int, detail: str) -> ApiError:
    return ApiError(
        400,
        {
            "message": "legacy_offset_pagination_limit_exceeded",
            "detail": detail + " Use cursor pagination with limit, after, and before.",
            "requested_page": page,
            "requested_per_page": per_page,
            "requested_window": page * per_page,
            "max_page": MAX_PAGE,
            "max_window": MAX_WINDOW,
            "cursor_example": f"{ENDPOINT}?limit={min(per_page, MAX_LIMIT)}&after=<paging.next>",
        },
    )


Response = tuple[int, dict[str, str], Json]


class ContactsApp:
    """The endpoint's logic; thread-safe, independent of the HTTP plumbing."""

    def __init__(self, api_key: str, data: list[Json]) -> None:
        self.api_key = api_key.encode("latin-1", "replace")
        self.base_url = ""
        self._lock = threading.Lock()
        self._rows = sorted((_row(c) for c in data), key=lambda r: r.key, reverse=True)

    def add(self, contact: Json) -> None:
        row = _row(contact)
        with self._lock:
            i = 0  # newest first: a contact created "now" goes at (or very near) the front
            while i < len(self._rows) and self._rows[i].key > row.key:
                i += 1
            self._rows.insert(i, row)

    def respond(self, method: str, target: str, headers: Any) -> Response:
        try:
            return self._respond(method, target, headers)
        except ApiError as exc:
            return exc.status, {}, exc.body

    def _respond(self, method: str, target: str, headers: Any) -> Response:
        try:  # http.server decodes the request line as Latin-1; raw bytes are taken as UTF-8
            target = target.encode("latin-1").decode("utf-8")
        except UnicodeError:
            raise bad("Request target is not valid UTF-8") from None
        split = urlsplit(target)
        if split.path.rstrip("/") != ENDPOINT:
            raise ApiError(404, {"error": "Not found"})
        if method not in ("GET", "HEAD"):
            raise ApiError(405, {"error": f"Method {method} not allowed"})
        key = headers.get("X-API-Key")
        if not key:
            raise ApiError(401, {"error": "Missing API key"})
        if not hmac.compare_digest(key.encode("latin-1", "replace"), self.api_key):
            raise ApiError(401, {"error": "Invalid API key"})
        try:
            pairs = parse_qsl(split.query, keep_blank_values=True, errors="strict")
        except ValueError:
            raise bad("Query string is not valid UTF-8") from None
        params = {k: v for k, v in dict(pairs).items() if v != ""}  # last wins; empty = absent
        legacy = {"page", "per_page"} & params.keys()
        cursor = {"limit", "after", "before"} & params.keys()
        if legacy and cursor:
            raise bad(
                "Cannot combine legacy pagination (page, per_page) with cursor "
                "pagination (limit, after, before)"
            )
        filters = parse_filters(params)
        with self._lock:
            rows = [r for r in self._rows if filters.match(r)]
        if cursor:
            return self._cursor_page(params, rows)
        return self._legacy_page(params, rows)

    def _cursor_page(self, params: dict[str, str], rows: list[_Row]) -> Response:
        limit = _int(params, "limit", DEFAULT_SIZE)
        if not 1 <= limit <= MAX_LIMIT:
            raise bad(f"limit must be an integer between 1 and {MAX_LIMIT}")
        if "after" in params and "before" in params:
            raise bad("after and before cannot be used together")
        # rows are newest first; "after" walks towards older rows, "before" towards newer ones
        if "before" in params:
            pos = decode_cursor("before", params["before"])
            end = sum(1 for r in rows if r.key > pos)
            start = max(0, end - limit)
        else:
            start = 0
            if "after" in params:
                pos = decode_cursor("after", params["after"])
                start = sum(1 for r in rows if r.key >= pos)
            end = start + limit
        page = rows[start:end]
        first = encode_cursor(page[0]) if page else None
        last = encode_cursor(page[-1]) if page else None
        has_prev = bool(page) and start > 0
        has_next = bool(page) and start + len(page) < len(rows)
        paging = {
            "cursors": {"before": first, "after": last},
            "next": last if has_next else None,
            "previous": first if has_prev else None,
        }
        return 200, {}, {"data": [_public(r) for r in page], "paging": paging}

    def _legacy_page(self, params: dict[str, str], rows: list[_Row]) -> Response:
        page, per_page = _int(params, "page", 1), _int(params, "per_page", DEFAULT_SIZE)
        if page < 1:
            raise bad("page must be an integer greater than or equal to 1")
        if per_page < 1:
            raise bad("per_page must be an integer greater than or equal to 1")
        if page > MAX_PAGE:
            raise _legacy_limit_error(
                page,
                per_page,
                f"Page {page} exceeds the maximum supported legacy offset page ({MAX_PAGE}).",
            )
        if page * per_page > MAX_WINDOW:
            raise _legacy_limit_error(
                page,
                per_page,
                f"Window {page * per_page} (page {page} x "
                f"per_page {per_page}) exceeds the maximum supported "
                f"legacy offset window ({MAX_WINDOW}).",
            )
        if per_page > MAX_PER_PAGE:
            raise bad(f"per_page must be an integer between 1 and {MAX_PER_PAGE}")
        total = len(rows)
        total_pages = -(-total // per_page)
        data = [_public(r) for r in rows[(page - 1) * per_page : page * per_page]]
        meta = {
            "page": page,
            "per_page": per_page,
            "total_pages": total_pages,
            "total_count": total,
        }
        headers = {
            "X-Total": str(total),
            "X-Total-Pages": str(total_pages),
            "X-Per-Page": str(per_page),
            "X-Page": str(page),
            "Link": self._link(params, page, per_page, total_pages),
        }
        return 200, headers, {"data": data, "meta": meta}

    def _link(self, params: dict[str, str], page: int, per_page: int, total_pages: int) -> str:
        reachable = min(MAX_PAGE, MAX_WINDOW // per_page)  # last page the legacy limits allow
        last = max(1, min(total_pages, reachable))
        kept = [(k, params[k]) for k in FILTERS if k in params]

        def url(p: int) -> str:
            query = urlencode(
                [*kept, ("per_page", str(per_page)), ("page", str(p))], quote_via=quote
            )
            return f"{self.base_url}/whatsapp/contacts?{query}"

        links = [(1, "first")]
        if page > 1:
            links.append((min(page - 1, last), "prev"))
        if page < last:
            links.append((page + 1, "next"))
        links.append((last, "last"))
        return ", ".join(f'<{url(p)}>; rel="{rel}"' for p, rel in links)


def _public(row: _Row) -> Json:
    return {k: v for k, v in row.contact.items() if not k.startswith("_")}


# --------------------------------------------------------------------------- HTTP plumbing
class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    app: ContactsApp


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "CleanRoomKapso/1.0"
    timeout = 30
    disable_nagle_algorithm = True  # headers and body are two writes; avoid a 40 ms stall
    server: _HTTPServer

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _send(self, status: int, headers: dict[str, str], body: Json) -> None:
        payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        if status == 405:
            self.send_header("Allow", "GET, HEAD")
        for name, value in headers.items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if getattr(self, "command", "") != "HEAD":
            self.wfile.write(payload)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Errors raised by http.server itself (bad request line, 414, 431, unknown method)."""
        self.close_connection = True
        if self.request_version == "HTTP/0.9":  # unparsable request line: still answer HTTP
            self.request_version = "HTTP/1.0"
        status = 405 if code == 501 else (code if 400 <= code < 500 else 400)
        self._send(status, {}, {"error": message or "Bad request"})

    def _drain_body(self) -> None:
        """Read (and ignore) a request body so the connection stays usable; else close it."""
        length = self.headers.get("Content-Length", "0").strip()
        size = int(length) if re.fullmatch(r"[0-9]{1,7}", length) else -1
        if self.headers.get("Transfer-Encoding") or not 0 <= size <= 1_000_000:
            self.close_connection = True
        elif size > 0:
            self.rfile.read(size)

    def _handle(self) -> None:
        self._drain_body()
        try:
            status, headers, body = self.server.app.respond(self.command, self.path, self.headers)
        except Exception:  # a bug must never become a 500 or leak a traceback to the client
            traceback.print_exc(file=sys.stderr)
            status, headers, body = 400, {}, {"error": "Bad request"}
        self._send(status, headers, body)

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _handle


class CleanRoomServer:
    def __init__(
        self,
        *,
        api_key: str,
        contacts: int = 600,
        seed: int = 1,
        new_contacts_per_second: float = 0.0,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.app = ContactsApp(api_key, make_data(contacts, seed))
        self.seed, self.rate = seed, new_contacts_per_second
        self.host, self.port = host, port
        self.base_url = ""
        self._httpd: _HTTPServer | None = None
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Event()

    def start(self) -> CleanRoomServer:
        httpd = _HTTPServer((self.host, self.port), _Handler)
        httpd.app = self.app
        self.port = httpd.server_address[1]
        self.base_url = self.app.base_url = f"http://{self.host}:{self.port}{BASE_PATH}"
        self._httpd = httpd
        self._stopping.clear()
        targets = [lambda: httpd.serve_forever(poll_interval=0.05)]
        if self.rate > 0:
            targets.append(self._grow)
        self._threads = [threading.Thread(target=t, daemon=True) for t in targets]
        for thread in self._threads:
            thread.start()
        return self

    def _grow(self) -> None:
        rng = random.Random(f"live-{self.seed}")
        began, added = time.monotonic(), 0
        used: set[str] = set()
        while not self._stopping.wait(0.02):
            due = int((time.monotonic() - began) * self.rate) - added
            for _ in range(due):
                now = to_us(datetime.now(UTC))
                name = f"{rng.choice(FIRST)} {rng.choice(LAST)} (live {added})"
                self.app.add(_new_contact(rng, now, name, [], used))
                added += 1

    def stop(self) -> None:
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        for thread in self._threads:
            thread.join(timeout=5)

    def __enter__(self) -> CleanRoomServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8123)
    parser.add_argument("--api-key", required=True)
    parser.add_argument("--contacts", type=int, default=600)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--new-contacts-per-second", type=float, default=0.0)
    args = parser.parse_args(argv)
    server = CleanRoomServer(
        api_key=args.api_key,
        contacts=args.contacts,
        seed=args.seed,
        new_contacts_per_second=args.new_contacts_per_second,
        host=args.host,
        port=args.port,
    ).start()
    print(
        f"Serving {server.base_url} (endpoint {server.base_url}/whatsapp/contacts)", file=sys.stderr
    )
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
