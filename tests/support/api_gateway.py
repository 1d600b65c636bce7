"""One builder for the API Gateway HTTP API (payload 2.0) event of a POST, as the local stack builds it."""

from __future__ import annotations

from typing import Any

from local_stack.gateway import build_event


def post_event(path: str, body: bytes, headers: dict[str, str], *, source_ip: str = "127.0.0.1") -> dict[str, Any]:
    """The event API Gateway delivers for `POST path` with these headers and raw body."""
    return build_event(
        method="POST",
        target=path,
        headers=headers.items(),
        body=body,
        source_ip=source_ip,
        route_key=f"POST {path}",
        host="127.0.0.1:3000",
    )
