"""`python -m sla_core check`: exit 0 when every policy, example and the contracts file hold, else 2 with one
line per problem, `file:line: field.path: problem; accepted: ...`, the line being where the field is written."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sla_core.engine.policy_files import SHIPPED_DIR
from tests.conftest import ROOT
from tests.support.cli import run
from tests.support.own_policy import write_hosting_policy


def line_with(path: Path, snippet: str) -> int:
    """The 1-based line of the file on which `snippet` is written (once)."""
    (line,) = [n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if snippet in text]
    return line


def broken(directory: Path, old: str, new: str) -> Path:
    """The test's hosting policy with one piece of text replaced."""
    path = write_hosting_policy(directory)
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_the_shipped_and_deployed_policies_and_the_contracts_file_hold(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)  # the defaults: every policy directory, config/policies/ and CONTRACTS_FILE
    code, out, err = run(capsys, "check")
    assert (code, err) == (0, "")
    first, *notes = out.splitlines()
    assert first.startswith("ok: 7 policies (") and first.endswith(f"examples) and {ROOT}/config/contracts.toml hold")
    # The four contracts that name no holiday list say so, and how to list the vendor's closures.
    unnamed = sorted(line.split(": ", 1)[0].rsplit("/", 1)[1] for line in notes)
    assert unnamed == ["atheer.toml", "resonate.toml", "sonar-software.toml", "sonoran-servers.toml"]
    assert all("holidays: note: The contract names no holiday list" in n and "contracts.toml" in n for n in notes)


def test_a_good_policy_of_ones_own_holds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_hosting_policy(tmp_path)
    assert run(capsys, "check", str(tmp_path)) == (0, "ok: 1 policy (2 examples) hold\n", "")


@pytest.mark.parametrize(
    ("old", "new", "field", "problem"),
    [
        # an unknown key
        ('outage = true', 'outage = true\ncolour = "red"', "severities[0].colour",
         "unknown field; accepted: id, name, outage, quote, targets"),
        # a misspelt duration unit
        ('duration = "4 hours"', 'duration = "4 huors"', "severities[1].targets[0].duration",
         "'4 huors' is not a duration; accepted: '30 minutes', '4 hours', '2 business days' or '1 week'"),
        # an unknown calendar
        ('calendar = "office"', 'calendar = "offices"', "severities[1].targets[0].calendar",
         "unknown calendar 'offices'; accepted: office, always"),
        # a window that does not parse
        ('windows = ["Mon-Fri 08:00-18:00"]', 'windows = ["Mon-Fri 8-18"]', "calendars.office.windows",
         "'Mon-Fri 8-18' is not a weekly window; accepted: 'Mon-Fri 09:00-19:00', 'Sat,Sun 10:00-14:00' or "
         "overnight 'Thu 21:00-03:00'"),
        # a zone that does not exist
        ('timezone = "Europe/Berlin"', 'timezone = "Europe/Bxl"', "timezone",
         "'Europe/Bxl' is not an IANA time zone; accepted: a zone name such as 'America/New_York'"),
        # a directory of zones, not a zone: a problem, not a traceback
        ('timezone = "Europe/Berlin"', 'timezone = "US"', "timezone",
         "'US' is not an IANA time zone; accepted: a zone name such as 'America/New_York'"),
        # a failing example: Fri 16:00 + 4 office hours is Mon 10:00, not 11:00
        ("due = 2026-06-15T10:00:00+02:00", "due = 2026-06-15T11:00:00+02:00", "examples[0].due",
         "expected 2026-06-15T11:00:00+02:00, the engine computes 2026-06-15T10:00:00+02:00"),
        ('credit = "2.08"', 'credit = "2.09"', "examples[1].credit", "expected 2.09, the engine computes 2.08"),
    ],
)  # fmt: skip
def test_each_problem_is_one_line_with_file_line_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, field: str, problem: str
) -> None:
    path = broken(tmp_path, old, new)
    line = line_with(path, new.splitlines()[-1])
    code, out, err = run(capsys, "check", str(path))
    assert (code, out, err) == (2, f"{path}:{line}: {field}: {problem}\n", "check: 1 problem\n")


def test_a_taken_id_is_a_problem_at_the_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # A copy of a shipped policy, and the same own policy in two directories.
    copy = tmp_path / "own" / "resonate.toml"
    copy.parent.mkdir()
    shutil.copy(SHIPPED_DIR / "resonate.toml", copy)
    first, second = write_hosting_policy(tmp_path / "a"), write_hosting_policy(tmp_path / "b")
    code, out, _ = run(capsys, "check", str(copy), str(first.parent), str(second.parent))
    id_line = line_with(copy, 'id = "resonate"')
    assert code == 2
    assert out.splitlines() == [
        f"{copy}:{id_line}: id: policy id 'resonate' is taken by {SHIPPED_DIR / 'resonate.toml'}; give this policy "
        "another id (a deployment policy never replaces another)",
        f"{second}:1: id: policy id 'acme-hosting' is taken by {first}; give this policy another id (a deployment "
        "policy never replaces another)",
    ]


def test_several_problems_are_several_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad_example = broken(tmp_path / "a", 'credit = "2.08"', 'credit = "2.09"')
    bad_zone = broken(tmp_path / "b", 'timezone = "Europe/Berlin"', 'timezone = "Mars/Olympus"')
    bad_zone = bad_zone.rename(bad_zone.with_name("acme-other.toml"))  # not a taken id
    code, out, err = run(capsys, "check", str(bad_example), str(bad_zone))
    assert code == 2 and err == "check: 2 problems\n"  # a file that does not parse stops at its first problem
    assert [line.split(": ")[1] for line in out.splitlines()] == ["examples[1].credit", "timezone"]


def test_a_contracts_file_is_checked_against_the_policies_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = write_hosting_policy(tmp_path / "policies")
    contracts = tmp_path / "contracts.toml"
    contracts.write_text(
        'default_channel = "C0SLAOPS000"\n\n[contracts.acme]\npolicy = "acme-hosting"\nfee = "1000.00"\n'
        'currency = "EUR"\nperspective = "customer"\nslack_channel = "C0ACME00001"\nrecord_downtime = []\n'
        'resolve = []\n\n[contracts.acme.pagerduty]\nservice_ids = ["PACME01"]\npriorities = { P1 = "sev9" }\n'
        'default_severity = "sev2"\n',
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "check", str(policy.parent), str(contracts))
    line = line_with(contracts, "priorities")
    assert code == 2
    assert out == (
        f"{contracts}:{line}: contracts.acme.pagerduty.priorities.P1: 'sev9' is not a severity of acme-hosting; "
        "accepted: sev1, sev2\n"
    )
    contracts.write_text(contracts.read_text(encoding="utf-8").replace('"sev9"', '"sev1"'), encoding="utf-8")
    assert run(capsys, "check", str(policy.parent), str(contracts))[0] == 0


def test_a_path_that_is_not_there_is_a_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "check", str(tmp_path / "nowhere.toml")) == (
        2,
        f"{tmp_path / 'nowhere.toml'}: no such file or directory\n",
        "check: 1 problem\n",
    )


def test_an_agreement_before_atheers_terms_is_a_problem_at_its_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Atheer's terms are "Effective for orders signed on or after 5, August, 2023": an agreement of 4 Aug 2023 is on
    # earlier terms, which no policy encodes; 5 Aug 2023 is on these.
    contracts = tmp_path / "contracts.toml"
    text = (
        'default_channel = "C0SLAOPS000"\n\n[contracts.ar]\npolicy = "atheer"\nfee = "1000.00"\n'
        'currency = "USD"\nperspective = "customer"\nslack_channel = "C0AR0000001"\nrecord_downtime = []\n'
        "resolve = []\nagreement_date = 2023-08-04\n"
    )
    contracts.write_text(text, encoding="utf-8")
    code, out, _ = run(capsys, "check", str(contracts))
    assert code == 2
    assert out.startswith(f"{contracts}:{line_with(contracts, 'agreement_date')}: contracts.ar.agreement_date: ")
    assert "agreements signed on or after 2023-08-05" in out and "dated 2023-08-04" in out
    contracts.write_text(text.replace("2023-08-04", "2023-08-05"), encoding="utf-8")
    assert run(capsys, "check", str(contracts))[0] == 0


def test_the_command_line_loads_the_development_tools_only_for_their_commands() -> None:
    """`check` alone needs TOML's grammar and `backfill` alone PagerDuty's client: the other commands run where only
    the layer's requirements are installed."""
    code = "import sys, sla_core.cli; print(' '.join(sorted(sys.modules)))"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "layers" / "sla_core"), str(ROOT)])}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    loaded = set(done.stdout.split())
    assert "sla_core.engine.toml_lines" in loaded  # what `check` places lines with is imported, its grammar not
    assert loaded & {"tree_sitter", "tree_sitter_toml", "pagerduty", "tqdm"} == set()
