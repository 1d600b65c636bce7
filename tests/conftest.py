"""Test session setup: local settings for the handlers (set before any handler is imported, as a cold
start would read them), and DynamoDB Local on a free port, started and stopped by the session."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from local_stack.dynamodb import DynamoDBLocal, create_tables, free_port
from local_stack.template import Template, load_template
from tests.support.block_kit import check_outbox

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "pagerduty"
SLACK_SIGNING_SECRET = "test-slack-signing-secret"
# The PagerDuty test vector's secret plus a second one, as while a secret is rotated.
PAGERDUTY_SECRET = "lDQHScfUeXUKaQRNF+8XIiDKZ7XX3itBAYzwU0TARw8lJqRnkKl2iB1anSb0Z+IK"
PAGERDUTY_NEXT_SECRET = "next-pagerduty-secret"
OUTBOX = Path(tempfile.mkdtemp(prefix="slaops-tests-")) / "slack-outbox.jsonl"

# Property tests explore new examples on every developer run; CI runs a fixed set (derandomized), so a red CI
# names a real regression, never an unlucky draw. A failure found locally is replayed from .hypothesis/.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

for _name in (
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET_PARAM",
    "SLACK_BOT_TOKEN_PARAM",
    "PAGERDUTY_WEBHOOK_SECRET_PARAM",
):
    os.environ.pop(_name, None)
os.environ.update(
    {
        "SLAOPS_LOCAL": "1",
        # The recorded PagerDuty payloads (and the tests built on them) are from 2021: replaying history is what a
        # fixed first day is for. Tests of the default look-back unset it.
        "SLAOPS_RECORD_FROM": "2021-01-01",
        "SLACK_SIGNING_SECRET": SLACK_SIGNING_SECRET,
        "PAGERDUTY_WEBHOOK_SECRET": f"{PAGERDUTY_SECRET},{PAGERDUTY_NEXT_SECRET}",
        "SLACK_OUTBOX": str(OUTBOX),
        "CONTRACTS_FILE": str(ROOT / "config" / "contracts.toml"),
        "SLAOPS_POLICY_DIRS": str(ROOT / "config" / "policies"),  # the contracts layer's own policies, as deployed
        "TABLE_NAME": "slaops-tests",
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "POWERTOOLS_SERVICE_NAME": "slaops",
        "POWERTOOLS_METRICS_NAMESPACE": "slaops",
        "POWERTOOLS_TRACE_DISABLED": "true",
    }
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that needs DynamoDB Local (directly or through a fixture) is an integration test, so
    `make unit` (-m "not integration") never starts it."""
    for item in items:
        if "dynamodb_local" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session", autouse=True)
def every_outbox_message_is_valid_block_kit() -> Iterator[None]:
    """After the session: every message the functions wrote to the shared outbox passes slack_sdk's checks."""
    yield
    check_outbox(OUTBOX)


@pytest.fixture(scope="session")
def template() -> Template:
    return load_template(ROOT / "template.yaml")


@pytest.fixture(scope="session")
def dynamodb_local(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DynamoDBLocal]:
    """DynamoDB Local for the whole session on a free port; a missing Java or jar fails with the reason."""
    server = DynamoDBLocal(ROOT, free_port(), workdir=tmp_path_factory.mktemp("dynamodb-local"))
    server.start()
    os.environ["DYNAMODB_ENDPOINT"] = server.endpoint
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def table(dynamodb_local: DynamoDBLocal, template: Template) -> Iterator[str]:
    """A fresh table created exactly as template.yaml declares it, with every model pointed at it."""
    from sla_core.storage import models

    name = f"slaops-test-{uuid.uuid4().hex[:8]}"
    client = dynamodb_local.client()
    create_tables(client, template.tables(), {"SlaOpsTable": name})
    models.configure(table_name=name, host=dynamodb_local.endpoint, region="us-east-1")
    try:
        yield name
    finally:
        client.delete_table(TableName=name)
