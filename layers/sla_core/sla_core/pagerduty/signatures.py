"""PagerDuty V3 webhook signatures: `v1=` HMAC-SHA256 of the raw body, one value per active secret."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

SIGNATURE_HEADER = "x-pagerduty-signature"
_VERSION_PREFIX = "v1="


def pagerduty_signature(body: bytes, secret: str) -> str:
    """The header value PagerDuty sends for `body` signed with `secret` (the secret's bytes as written)."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return f"{_VERSION_PREFIX}{digest}"


def pagerduty_signature_valid(body: bytes, header: str | None, secrets: Iterable[str]) -> bool:
    """True when any `v1=` value in the header matches the body signed with any of the secrets.

    PagerDuty sends several comma-separated values while a secret is rotated; every comparison is
    constant-time, and every pair is compared so timing says nothing about which one matched.
    """
    if not header:
        return False
    offered = [part.strip() for part in header.split(",") if part.strip().startswith(_VERSION_PREFIX)]
    expected = [pagerduty_signature(body, secret) for secret in secrets]
    matched = False
    for candidate in offered:
        for wanted in expected:
            matched |= hmac.compare_digest(candidate.encode("ascii", "replace"), wanted.encode("ascii"))
    return matched
