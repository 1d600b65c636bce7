"""The HTTP front door: serves the template's HttpApi routes on 127.0.0.1 as API Gateway HTTP API
payload-format-2.0 events, plus `POST /_local/tick?at=<instant>` to run the scheduled functions at will.

A function that raises, or is still running at its template `Timeout`, is answered as an HTTP API answers
a failed Lambda proxy integration: 500 `{"message":"Internal Server Error"}` (AWS: "Troubleshooting issues
with HTTP API Lambda integrations"). A timed-out invocation is abandoned, not killed (see lambdas.py).
"""

from __future__ import annotations

import base64
import json
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TextIO
from urllib.parse import parse_qsl, urlsplit

from local_stack.lambdas import FunctionTimeout, LocalFunction
from local_stack.template import LOCAL_ACCOUNT, Route

TICK_PATH = "/_local/tick"
# What an HTTP API with a Lambda proxy integration answers when the function raised or timed out.
FUNCTION_ERROR = (500, [("content-type", "application/json")], b'{"message":"Internal Server Error"}')
_TEXT_TYPES = ("text/", "application/json", "application/x-www-form-urlencoded", "application/xml")
Tick = Callable[[datetime | None], Mapping[str, Any]]


def _is_text(content_type: str) -> bool:
    kind = content_type.split(";", 1)[0].strip().lower()
    return kind.startswith(_TEXT_TYPES) or kind.endswith(("+json", "+xml"))


def build_event(
    *,
    method: str,
    target: str,
    headers: Iterable[tuple[str, str]],
    body: bytes,
    source_ip: str,
    route_key: str,
    host: str,
) -> dict[str, Any]:
    """The event API Gateway would deliver: header names lower-cased (repeats joined by commas),
    cookies split out, query parameters joined like HTTP APIs do, binary bodies base64 encoded."""
    parts = urlsplit(target)
    lowered: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in headers:
        key = name.lower()
        if key == "cookie":
            cookies.extend(part.strip() for part in value.split(";") if part.strip())
            continue
        lowered[key] = f"{lowered[key]},{value}" if key in lowered else value
    query: dict[str, str] = {}
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        query[name] = f"{query[name]},{value}" if name in query else value
    text_body = _is_text(lowered.get("content-type", ""))
    if text_body:
        try:
            encoded, is_base64 = body.decode("utf-8"), False
        except UnicodeDecodeError:
            text_body = False
    if not text_body:
        encoded, is_base64 = base64.b64encode(body).decode("ascii"), bool(body)
    now = datetime.now(UTC)
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": parts.path,
        "rawQueryString": parts.query,
        "headers": lowered,
        "requestContext": {
            "accountId": LOCAL_ACCOUNT,
            "apiId": "local",
            "domainName": host,
            "domainPrefix": host.split(".", 1)[0],
            "http": {
                "method": method,
                "path": parts.path,
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": lowered.get("user-agent", ""),
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": route_key,
            "stage": "$default",
            "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(now.timestamp() * 1000),
        },
        "body": encoded,
        "isBase64Encoded": is_base64,
    }
    if cookies:
        event["cookies"] = cookies
    if query:
        event["queryStringParameters"] = query
    return event


def http_response(result: Any) -> tuple[int, list[tuple[str, str]], bytes]:
    """Turn a handler's return value into status, headers and body, as HTTP API payload 2.0 does
    (a value without statusCode is a 200 JSON response)."""
    if not (isinstance(result, Mapping) and "statusCode" in result):
        return 200, [("content-type", "application/json")], json.dumps(result).encode("utf-8")
    headers = [(str(name), str(value)) for name, value in (result.get("headers") or {}).items()]
    headers.extend(("set-cookie", str(cookie)) for cookie in result.get("cookies") or [])
    raw = result.get("body") or ""
    body = base64.b64decode(raw) if result.get("isBase64Encoded") else str(raw).encode("utf-8")
    return int(result["statusCode"]), headers, body


class Gateway:
    """A ThreadingHTTPServer on 127.0.0.1 that hands each matching request to its function."""

    def __init__(self, port: int, routes: Mapping[Route, LocalFunction], tick: Tick, log: TextIO) -> None:
        self.port = port
        self.routes = {(route.method, route.path): (route, function) for route, function in routes.items()}
        self.tick = tick
        self.log = log
        self.server = ThreadingHTTPServer(("127.0.0.1", port), self._handler_class())
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, name="gateway", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        gateway = self

        class RequestHandler(BaseHTTPRequestHandler):
            server_version = "slaops-local"

            def do_POST(self) -> None:
                gateway.handle(self)

            def do_GET(self) -> None:
                gateway.handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                return

        return RequestHandler

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        started = time.monotonic()
        length = int(request.headers.get("content-length") or 0)
        body = request.rfile.read(length) if length else b""
        path = urlsplit(request.path).path
        if request.command == "POST" and path == TICK_PATH:
            self._tick(request)
            return
        match = self.routes.get((request.command, path))
        if match is None:
            self._send(request, 404, [("content-type", "application/json")], b'{"message":"Not Found"}')
            return
        route, function = match
        event = build_event(
            method=request.command,
            target=request.path,
            headers=request.headers.items(),
            body=body,
            source_ip=request.client_address[0],
            route_key=route.route_key,
            host=request.headers.get("host", f"127.0.0.1:{self.port}"),
        )
        note = ""
        try:
            status, headers, payload = http_response(function.invoke(event))
        except FunctionTimeout as timeout:
            note = f" ({timeout}; abandoned)"
            status, headers, payload = FUNCTION_ERROR
        except Exception:
            traceback.print_exc(file=self.log)
            status, headers, payload = FUNCTION_ERROR
        elapsed = (time.monotonic() - started) * 1000
        print(
            f"[local] {route.route_key} -> {function.spec.logical_id} {status} in {elapsed:.0f} ms{note}",
            file=self.log,
        )
        self._send(request, status, headers, payload)

    def _tick(self, request: BaseHTTPRequestHandler) -> None:
        query = dict(parse_qsl(urlsplit(request.path).query))
        at: datetime | None = None
        if "at" in query:
            try:
                at = datetime.fromisoformat(query["at"])
            except ValueError:
                at = None
            if at is None or at.tzinfo is None:
                message = {"message": "at must be an ISO 8601 instant with an offset, e.g. 2026-03-09T14:15:00Z"}
                self._send(request, 400, [("content-type", "application/json")], json.dumps(message).encode())
                return
        try:
            result = self.tick(at)
        except Exception as error:
            traceback.print_exc(file=self.log)
            payload = json.dumps({"message": f"tick failed: {error}"}).encode()
            self._send(request, 500, [("content-type", "application/json")], payload)
            return
        self._send(request, 200, [("content-type", "application/json")], json.dumps(result, default=str).encode())

    @staticmethod
    def _send(request: BaseHTTPRequestHandler, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        request.send_response(status)
        names = {name.lower() for name, _ in headers}
        for name, value in headers:
            request.send_header(name, value)
        if "content-length" not in names:
            request.send_header("content-length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)
