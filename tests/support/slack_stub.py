"""A stand-in for the Slack Web API and response URLs at the HTTP boundary: a local http.server that answers
the methods slaops calls and records every request, so tests see exactly what went over the wire."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.support.block_kit import problems


@dataclass
class Call:
    """One request the stub received: the API method (or `response_url`), its path and its arguments."""

    method: str
    path: str
    args: dict[str, Any]


@dataclass
class SlackStub:
    """Answers users.info, usergroups.users.list, chat.postMessage, chat.update, views.open, views.publish
    under /api/, and anything posted under /response/ (a response_url)."""

    zones: dict[str, str] = field(default_factory=dict)
    groups: dict[str, list[str]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)  # Block Kit problems of anything posted (never cleared)
    server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def port(self) -> int:
        assert self.server is not None
        return int(self.server.server_address[1])

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/response/{name}"

    def of(self, method: str) -> list[Call]:
        with self._lock:
            return [call for call in self.calls if call.method == method]

    def replies(self, name: str) -> list[dict[str, Any]]:
        """What was posted to one response_url."""
        return [call.args for call in self.of("response_url") if call.path.endswith(f"/response/{name}")]

    def clear(self) -> None:
        with self._lock:
            self.calls.clear()

    def answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        if method == "users.info":
            user = str(args.get("user"))
            return {"ok": True, "user": {"id": user, "tz": self.zones.get(user, "UTC")}}
        if method == "usergroups.users.list":
            return {"ok": True, "users": self.groups.get(str(args.get("usergroup")), [])}
        if method == "chat.postMessage":
            with self._lock:
                count = len([call for call in self.calls if call.method == method])
            return {"ok": True, "channel": args.get("channel"), "ts": f"1773154800.{count:06d}"}
        if method in ("chat.update", "views.open", "views.publish"):
            return {"ok": True}
        return {"ok": False, "error": "unknown_method"}


def _handler(stub: SlackStub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return

        def _args(self) -> dict[str, Any]:
            parts = urlsplit(self.path)
            args: dict[str, Any] = dict(parse_qsl(parts.query))
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length).decode("utf-8") if length else ""
            if raw and "json" in (self.headers.get("content-type") or ""):
                args.update(json.loads(raw))
            elif raw:
                args.update(dict(parse_qsl(raw)))
            return args

        def _serve(self) -> None:
            path = urlsplit(self.path).path
            args = self._args()
            if path.startswith("/response/"):
                method, payload, body = "response_url", args, b"ok"
            else:
                method = path.rsplit("/", 1)[-1]
                payload = args
                body = json.dumps(stub.answer(method, args)).encode("utf-8")
            with stub._lock:
                stub.calls.append(Call(method, path, payload))
                stub.invalid.extend(problems(method, payload))
            self.send_response(200)
            self.send_header("content-type", "text/plain" if method == "response_url" else "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = _serve
        do_POST = _serve

    return Handler


def running_stub() -> Iterator[SlackStub]:
    """Start a stub on a free port for the duration of a fixture."""
    stub = SlackStub()
    stub.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(stub))
    thread = threading.Thread(target=stub.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield stub
        assert not stub.invalid, "messages outside Block Kit's limits:\n" + "\n".join(stub.invalid[:20])
    finally:
        stub.server.shutdown()
        stub.server.server_close()
