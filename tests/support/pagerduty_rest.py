"""A local PagerDuty REST API v2 stub in the documented shapes, for backfill tests (a real HTTPS server on a free
port, so the `pagerduty` client's own pagination, auth header, retries and TLS are what is tested; the client
trusts the stub's self-signed certificate through `SSL_CERT_FILE`, which `cert_file` names).

- `GET /incidents`: `since`/`until` filter `created_at` ([since, until)), `service_ids[]` filters the service
  (unless `ignore_service_filter`), classic pagination: `limit` capped at `page_cap` (the answer's own size is
  what the client follows), `offset`, `more`.
- `GET /incidents/{id}/log_entries`: newest first, capped at `log_page_cap` a page.
- `Authorization: Token token=<token>` must match: else 401 with PagerDuty's error body; `forbidden` paths get
  403; `throttle` answers the next N requests 429 with `Retry-After`; `failing` incident ids answer 500.
"""

from __future__ import annotations

import ipaddress
import json
import ssl
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

TOKEN = "y_NbAkKc66ryYTWUXYEu"
SUBDOMAIN = "https://acme.pagerduty.com"


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@dataclass
class Entry:
    """One log entry: its type (`trigger`, `acknowledge`, `resolve`, `annotate`, `notify`, ...) and instant."""

    id: str
    type: str
    at: str
    agent: str | None = "Alice Admin"
    note: str | None = None


@dataclass
class Incident:
    id: str
    service: str
    created_at: str
    title: str
    priority: str | None
    entries: list[Entry]

    @property
    def status(self) -> str:
        latest = max(self.entries, key=lambda e: e.at).type if self.entries else "trigger"
        return {"resolve": "resolved", "acknowledge": "acknowledged"}.get(latest, "triggered")

    def json(self) -> dict[str, Any]:
        service = {"id": self.service, "type": "service_reference", "summary": f"Service {self.service}",
                   "self": f"https://api.pagerduty.com/services/{self.service}",
                   "html_url": f"{SUBDOMAIN}/service-directory/{self.service}"}  # fmt: skip
        priority = None
        if self.priority is not None:
            priority = {"id": f"PRIO{self.priority}", "type": "priority_reference", "summary": self.priority,
                        "self": f"https://api.pagerduty.com/priorities/PRIO{self.priority}"}  # fmt: skip
        return {
            "id": self.id, "type": "incident", "summary": f"[#1] {self.title}", "title": self.title,
            "self": f"https://api.pagerduty.com/incidents/{self.id}", "html_url": f"{SUBDOMAIN}/incidents/{self.id}",
            "incident_number": 1, "created_at": self.created_at, "updated_at": self.created_at,
            "status": self.status, "incident_key": f"key-{self.id}", "service": service, "assignments": [],
            "acknowledgements": [], "last_status_change_at": self.created_at, "priority": priority,
            "urgency": "high", "escalation_policy": {"id": "PUS0KTE", "type": "escalation_policy_reference"},
            "teams": [], "alert_counts": {"all": 1, "triggered": 0, "resolved": 1},
        }  # fmt: skip

    def log_entry(self, entry: Entry) -> dict[str, Any]:
        agent = None
        if entry.agent is not None:
            agent = {"id": "PXPGF42", "type": "user_reference", "summary": entry.agent,
                     "self": "https://api.pagerduty.com/users/PXPGF42"}  # fmt: skip
        channel: dict[str, Any] = {"type": "note", "summary": entry.note} if entry.note else {"type": "web_ui"}
        return {
            "id": entry.id, "type": f"{entry.type}_log_entry", "summary": f"{entry.type} by {entry.agent}",
            "self": f"https://api.pagerduty.com/log_entries/{entry.id}?incident_id={self.id}",
            "html_url": f"{SUBDOMAIN}/incidents/{self.id}/log_entries/{entry.id}",
            "created_at": entry.at, "agent": agent, "channel": channel,
            "service": {"id": self.service, "type": "service_reference"},
            "incident": {"id": self.id, "type": "incident_reference"}, "teams": [], "contexts": [],
        }  # fmt: skip


@dataclass
class Stub:
    incidents: list[Incident] = field(default_factory=list)
    page_cap: int = 100
    log_page_cap: int = 25
    ignore_service_filter: bool = False
    forbidden: set[str] = field(default_factory=set)  # "incidents" or "log_entries"
    throttle: int = 0
    retry_after: str = "1"
    failing: set[str] = field(default_factory=set)
    requests: list[tuple[str, dict[str, list[str]], str | None]] = field(default_factory=list)
    url: str = ""

    def answer(
        self, path: str, query: dict[str, list[str]], auth: str | None
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        self.requests.append((path, query, auth))
        if auth != f"Token token={TOKEN}":
            return 401, {"error": {"message": "Unauthorized", "code": 2006}}, {}
        if self.throttle > 0:
            self.throttle -= 1
            return 429, {"error": {"message": "Rate Limit Exceeded", "code": 2020}}, {"Retry-After": self.retry_after}
        parts = path.strip("/").split("/")
        if parts == ["incidents"]:
            return self.listing(query)
        if len(parts) == 3 and parts[0] == "incidents" and parts[2] == "log_entries":
            return self.log_entries(parts[1], query)
        return 404, {"error": {"message": "Not Found", "code": 2100}}, {}

    def listing(self, query: dict[str, list[str]]) -> tuple[int, dict[str, Any], dict[str, str]]:
        if "incidents" in self.forbidden:
            return 403, {"error": {"message": "Access Denied", "code": 2010}}, {}
        since, until = instant(query["since"][0]), instant(query["until"][0])
        services = set(query.get("service_ids[]", []))
        found = [
            i for i in self.incidents
            if since <= instant(i.created_at) < until and (self.ignore_service_filter or i.service in services)
        ]  # fmt: skip
        return self.page("incidents", [i.json() for i in found], query)

    def log_entries(self, incident_id: str, query: dict[str, list[str]]) -> tuple[int, dict[str, Any], dict[str, str]]:
        if "log_entries" in self.forbidden:
            return 403, {"error": {"message": "Access Denied", "code": 2010}}, {}
        if incident_id in self.failing:
            return 500, {"error": {"message": "Internal Server Error"}}, {}
        incident = next((i for i in self.incidents if i.id == incident_id), None)
        if incident is None:
            return 404, {"error": {"message": "Not Found", "code": 2100}}, {}
        newest_first = sorted(incident.entries, key=lambda e: e.at, reverse=True)
        return self.page("log_entries", [incident.log_entry(e) for e in newest_first], query, self.log_page_cap)

    def page(
        self, key: str, items: list[dict[str, Any]], query: dict[str, list[str]], cap: int | None = None
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        limit = min(int(query.get("limit", ["25"])[0]), cap or self.page_cap)
        offset = int(query.get("offset", ["0"])[0])
        chunk = items[offset : offset + limit]
        body = {key: chunk, "limit": limit, "offset": offset, "more": offset + limit < len(items), "total": None}
        return 200, body, {}


@contextmanager
def pagerduty_rest(stub: Stub) -> Iterator[Stub]:
    """Serve the stub on a free local port (its `url`) for the block."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parsed = urlparse(self.path)
            status, body, headers = stub.answer(parsed.path, parse_qs(parsed.query), self.headers.get("Authorization"))
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(*_certificate())
    server.socket = tls.wrap_socket(server.socket, server_side=True)
    stub.url = f"https://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()


def _certificate() -> tuple[str, str]:
    """A self-signed certificate for 127.0.0.1 (made once per session): (cert file, key file)."""
    if not _CERT:
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
        now = datetime.now(UTC)
        cert = (
            x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(hours=1))
            .not_valid_after(now + timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256())
        )  # fmt: skip
        directory = Path(tempfile.mkdtemp(prefix="pd-stub-tls-"))
        (directory / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        key_bytes = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        (directory / "key.pem").write_bytes(key_bytes)
        _CERT.extend([str(directory / "cert.pem"), str(directory / "key.pem")])
    return _CERT[0], _CERT[1]


_CERT: list[str] = []


def cert_file() -> str:
    """The stub's certificate, for `SSL_CERT_FILE` (the `pagerduty` client reads it when it is made)."""
    return _certificate()[0]
