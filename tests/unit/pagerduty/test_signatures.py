"""PagerDuty webhook signatures, checked against PagerDuty's own test vector."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sla_core.pagerduty.signatures import pagerduty_signature, pagerduty_signature_valid
from tests.conftest import FIXTURES

VECTOR: dict[str, Any] = json.loads((FIXTURES / "signature_vector.json").read_text())
BODY = (FIXTURES / "signature_vector.body.json").read_bytes()


def test_vector_body_is_the_exact_signed_bytes() -> None:
    assert len(BODY) == VECTOR["body_len_bytes"]
    assert pagerduty_signature(BODY, VECTOR["secret"]) == f"v1={VECTOR['expected_hex_digest']}"


@pytest.mark.parametrize("case", VECTOR["cases"], ids=lambda case: case["name"])
def test_upstream_cases(case: dict[str, str]) -> None:
    valid = pagerduty_signature_valid(BODY, case["x_pagerduty_signature"], [VECTOR["secret"]])
    assert valid is (case["expect"] == "valid")


def test_any_configured_secret_may_match() -> None:
    header = pagerduty_signature(BODY, "new-secret")
    assert pagerduty_signature_valid(BODY, header, [VECTOR["secret"], "new-secret"])
    assert not pagerduty_signature_valid(BODY, header, [VECTOR["secret"]])


@pytest.mark.parametrize(
    "header", [None, "", "v0=abc", "0c0b9495b893a39e70d1fea2fe11fbe0a825f88b9f67846f6cc07dd2bc5476cd"]
)
def test_missing_or_foreign_headers_are_rejected(header: str | None) -> None:
    assert not pagerduty_signature_valid(BODY, header, [VECTOR["secret"]])


def test_a_changed_body_is_rejected() -> None:
    header = f"v1={VECTOR['expected_hex_digest']}"
    assert not pagerduty_signature_valid(BODY.replace(b"P1", b"P2"), header, [VECTOR["secret"]])


@pytest.mark.parametrize("tail", ["é", "\udc80", "١", "\x00", "\u00a0"])
def test_a_non_ascii_header_is_refused_not_raised(tail: str) -> None:
    good = f"v1={VECTOR['expected_hex_digest']}"
    assert not pagerduty_signature_valid(BODY, good[:-1] + tail, [VECTOR["secret"]])
    assert not pagerduty_signature_valid(BODY, f"v1={tail}", [VECTOR["secret"]])
