"""`backfill pagerduty`'s flags and settings: bad input is one line and exit 2 before anything is read or written."""

from __future__ import annotations

import pytest

from tests.support.cli import run


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        ([], "the following arguments are required: --since"),
        (["--since", "October"], "--since 'October' is not a date; give YYYY-MM-DD"),
        (["--since", "2026-10-01", "--until", "2026-10-01"], "--until 2026-10-01 must come after --since 2026-10-01"),
        (["--since", "2999-01-01"], "--since 2999-01-01 is in the future"),
        (["--since", "2026-10-01", "--contract", "nope"], "--contract 'nope' is not in the contracts file; known: "),
    ],
)
def test_bad_flags_are_one_line_and_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str], said: str) -> None:
    code, out, err = run(capsys, "backfill", "pagerduty", *argv)
    assert (code, out) == (2, "")
    assert said in err and err.startswith("error: ") and err.count("\n") == 1


def test_a_missing_token_names_the_variable(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PAGERDUTY_API_TOKEN", raising=False)
    code, _, err = run(capsys, "backfill", "pagerduty", "--since", "2026-10-01", "--contract", "sonar-billing")
    assert code == 2 and err == "error: PAGERDUTY_API_TOKEN is not set: give a read-only PagerDuty REST API key\n"


def test_a_url_that_is_not_http_is_refused(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAGERDUTY_API_TOKEN", "t0ken")
    monkeypatch.setenv("PAGERDUTY_API_URL", "api.pagerduty.com")
    code, _, err = run(capsys, "backfill", "pagerduty", "--since", "2026-10-01")
    assert code == 2 and "PAGERDUTY_API_URL='api.pagerduty.com' is not an http(s) URL" in err and "t0ken" not in err


def test_help_documents_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        run(capsys, "backfill", "pagerduty", "--help")
    out = capsys.readouterr().out
    assert exited.value.code == 0
    for said in ("--since", "--until", "--contract", "--dry-run", "PAGERDUTY_API_TOKEN", "SLAOPS_LOCAL=1"):
        assert said in out
