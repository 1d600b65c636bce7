"""A stand-in for the Slack Web API and response URLs at the HTTP boundary: a local http.server that answers
the methods slaops calls and records every request, so tests see exactly what went over the wire.

It keeps the messages it accepted (with their metadata) and answers conversations.history / .replies from them,
and it fails the way Slack does when told to (`Fault`): an error answer, an HTTP status with Retry-After, a
message stored and then the connection dropped, or a message stored and answered after the client gave up."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.support.block_kit import MESSAGE_TEXT, problems


@dataclass
class Call:
    """One request the stub received: the API method (or `response_url`), its path and its arguments."""

    method: str
    path: str
    args: dict[str, Any]


@dataclass
class Upload:
    """A file uploaded the files_upload_v2 way: named (files.getUploadURLExternal), sent to its upload URL, and
    shared in a channel with a title and a message (files.completeUploadExternal)."""

    file_id: str
    filename: str
    length: int
    content: str | None = None
    channel: str | None = None
    title: str | None = None
    initial_comment: str | None = None


DROP, LATE = "drop", "late"


@dataclass
class Fault:
    """How the stub fails the next `times` calls of `method` (to `channel`, when given): answer `error`
    (ok:false) or HTTP `status` (with `retry_after`), or `kind` DROP (store the message, then close the
    connection unanswered) or LATE (store it, answer after `delay` seconds)."""

    method: str
    kind: str = ""
    error: str = ""
    status: int = 200
    retry_after: int | None = None
    delay: float = 0.0
    times: int = 1
    channel: str | None = None


@dataclass
class Answer:
    """What the handler sends back: an HTTP status, headers and a JSON body, or nothing (`drop`)."""

    body: dict[str, Any]
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False
    delay: float = 0.0


@dataclass
class SlackStub:
    """Answers users.info, usergroups.users.list, chat.postMessage, chat.update, views.open, views.publish,
    files.getUploadURLExternal and files.completeUploadExternal under /api/, file bytes posted to the upload
    URLs it hands out under /upload/, and anything posted under /response/ (a response_url)."""

    zones: dict[str, str] = field(default_factory=dict)
    groups: dict[str, list[str]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    files: dict[str, Upload] = field(default_factory=dict)  # by file id, in the order they were asked for
    errors: dict[str, str] = field(default_factory=dict)  # method -> the Slack error it answers (e.g. not_in_channel)
    invalid: list[str] = field(default_factory=list)  # Block Kit problems of anything posted (never cleared)
    faults: list[Fault] = field(default_factory=list)  # consumed in order, each `times` times
    messages: list[dict[str, Any]] = field(default_factory=list)  # what chat.postMessage stored, oldest first
    ts_base: int = 1773154800  # Slack's clock: the seconds of every ts it hands out (2026-03-10T15:00Z)
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

    def shared(self) -> list[Upload]:
        """The files whose upload was completed, shared in a channel."""
        with self._lock:
            return [upload for upload in self.files.values() if upload.channel is not None]

    def clear(self) -> None:
        with self._lock:
            self.calls.clear()
            self.files.clear()
            self.messages.clear()

    def in_channel(self, channel: str) -> list[dict[str, Any]]:
        """The messages stored in one channel (threads included), oldest first."""
        with self._lock:
            return [message for message in self.messages if message["channel"] == channel]

    def _fault(self, method: str, args: dict[str, Any]) -> Fault | None:
        """The first fault that applies to this call, used up once."""
        with self._lock:
            for fault in self.faults:
                if fault.method == method and fault.channel in (None, args.get("channel")):
                    fault.times -= 1
                    if fault.times <= 0:
                        self.faults.remove(fault)
                    return fault
        return None

    def _store(self, args: dict[str, Any]) -> dict[str, Any]:
        """chat.postMessage accepted: keep the message with a new ts."""
        with self._lock:
            message = {key: args.get(key) for key in ("channel", "text", "blocks", "thread_ts", "metadata")}
            message["ts"] = f"{self.ts_base}.{len(self.messages):06d}"
            self.messages.append(message)
        return {"ok": True, "channel": args.get("channel"), "ts": message["ts"]}

    def _history(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        """conversations.history (top level) or .replies (one thread), newest first, with metadata."""
        oldest = float(args.get("oldest") or 0)
        with self._lock:
            found = [
                message
                for message in reversed(self.messages)
                if message["channel"] == args.get("channel")
                and float(message["ts"]) >= oldest
                and (message.get("thread_ts") == args.get("ts") if method == "conversations.replies" else True)
            ]
        return {"ok": True, "messages": found, "has_more": False}

    def respond(self, method: str, args: dict[str, Any]) -> Answer:
        """The answer to one call, faults applied."""
        fault = self._fault(method, args)
        if fault is None:
            return Answer(self.answer(method, args))
        if fault.kind in (DROP, LATE):
            return Answer(self.answer(method, args), drop=fault.kind == DROP, delay=fault.delay)
        headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
        return Answer({"ok": False, "error": fault.error or "ratelimited"}, fault.status, headers)

    def _upload_url(self, args: dict[str, Any]) -> dict[str, Any]:
        """files.getUploadURLExternal: a new file id and the stub's URL to send its bytes to."""
        with self._lock:
            file_id = f"F{len(self.files) + 1:010d}"
            self.files[file_id] = Upload(file_id, str(args.get("filename")), int(args.get("length") or 0))
        return {"ok": True, "file_id": file_id, "upload_url": f"http://127.0.0.1:{self.port}/upload/{file_id}"}

    def _received(self, file_id: str, content: bytes) -> None:
        """The bytes posted to an upload URL; a length other than the one asked for is a problem."""
        with self._lock:
            upload = self.files[file_id]
            upload.content = content.decode("utf-8")
            if len(content) != upload.length:
                self.invalid.append(f"upload {file_id}: {len(content)} bytes sent, {upload.length} announced")

    def _complete(self, args: dict[str, Any]) -> dict[str, Any]:
        """files.completeUploadExternal: share the uploaded files in `channel_id` with the initial comment."""
        comment = args.get("initial_comment")
        shared = []
        with self._lock:
            for item in json.loads(str(args.get("files") or "[]")):
                upload = self.files.get(str(item.get("id")))
                if upload is None or upload.content is None:
                    return {"ok": False, "error": "file_not_found"}
                upload.channel, upload.title, upload.initial_comment = (
                    args.get("channel_id"),
                    item.get("title"),
                    comment,
                )
                shared.append({"id": upload.file_id, "name": upload.filename, "title": upload.title})
            if comment and len(str(comment)) > MESSAGE_TEXT:
                self.invalid.append(f"files.completeUploadExternal: initial comment of {len(str(comment))} characters")
        return {"ok": True, "files": shared}

    def answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        if method in self.errors:
            return {"ok": False, "error": self.errors[method]}
        if method == "users.info":
            user = str(args.get("user"))
            return {"ok": True, "user": {"id": user, "tz": self.zones.get(user, "UTC")}}
        if method == "usergroups.users.list":
            return {"ok": True, "users": self.groups.get(str(args.get("usergroup")), [])}
        if method == "chat.postMessage":
            return self._store(args)
        if method in ("conversations.history", "conversations.replies"):
            return self._history(method, args)
        if method in ("chat.update", "views.open", "views.publish"):
            return {"ok": True}
        if method == "files.getUploadURLExternal":
            return self._upload_url(args)
        if method == "files.completeUploadExternal":
            return self._complete(args)
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
            if path.startswith("/upload/"):  # a file's bytes, as they are (not form fields)
                self._upload(path)
                return
            args = self._args()
            if path.startswith("/response/"):
                method, answer, body = "response_url", Answer({}), b"ok"
            else:
                method = path.rsplit("/", 1)[-1]
                answer = stub.respond(method, args)
                body = json.dumps(answer.body).encode("utf-8")
            with stub._lock:
                stub.calls.append(Call(method, path, args))
                stub.invalid.extend(problems(method, args))
            if answer.drop:  # stored, then the connection is lost before any answer
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            time.sleep(answer.delay)  # a late answer: the client may have given up by now
            try:
                self.send_response(answer.status)
                self.send_header("content-type", "text/plain" if method == "response_url" else "application/json")
                self.send_header("content-length", str(len(body)))
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)
            except OSError:  # the client gave up before the answer came
                self.close_connection = True

        def _upload(self, path: str) -> None:
            raw = self.rfile.read(int(self.headers.get("content-length") or 0))
            file_id = path.rsplit("/", 1)[-1]
            stub._received(file_id, raw)
            with stub._lock:
                stub.calls.append(Call("upload", path, {"file_id": file_id, "length": len(raw)}))
            body = f"OK - {len(raw)}".encode()
            self.send_response(200)
            self.send_header("content-type", "text/plain")
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
