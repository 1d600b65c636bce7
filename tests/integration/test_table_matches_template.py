"""A table created locally is the table template.yaml declares: keys, attribute types, GSIs, TTL."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pytest

from local_stack.dynamodb import DynamoDBLocal
from local_stack.template import Template

pytestmark = pytest.mark.integration


def _sorted(items: Iterable[Mapping[str, Any]], key: str) -> list[Mapping[str, Any]]:
    return sorted(items, key=lambda item: str(item[key]))


def test_described_table_matches_the_template(table: str, dynamodb_local: DynamoDBLocal, template: Template) -> None:
    declared = template.tables()["SlaOpsTable"]
    client = dynamodb_local.client()
    described = client.describe_table(TableName=table)["Table"]

    assert described["KeySchema"] == declared["KeySchema"]
    assert _sorted(described["AttributeDefinitions"], "AttributeName") == _sorted(
        declared["AttributeDefinitions"], "AttributeName"
    )
    assert described.get("BillingModeSummary", {}).get("BillingMode") == declared["BillingMode"]
    indexes = {
        index["IndexName"]: (index["KeySchema"], index["Projection"]) for index in described["GlobalSecondaryIndexes"]
    }
    assert indexes == {
        index["IndexName"]: (index["KeySchema"], index["Projection"]) for index in declared["GlobalSecondaryIndexes"]
    }
    assert "LocalSecondaryIndexes" not in described

    ttl = client.describe_time_to_live(TableName=table)["TimeToLiveDescription"]
    assert ttl["TimeToLiveStatus"] == "ENABLED"
    assert ttl["AttributeName"] == declared["TimeToLiveSpecification"]["AttributeName"]
