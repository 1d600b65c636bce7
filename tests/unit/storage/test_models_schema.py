"""The PynamoDB models and template.yaml describe the same table: keys, attribute types and indexes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from local_stack.template import Template
from sla_core.storage import models


def _keys(schema: Sequence[Mapping[str, Any]]) -> list[tuple[str, str]]:
    return [(key["AttributeName"], key["KeyType"]) for key in schema]


def _projection(projection: Mapping[str, Any]) -> dict[str, Any]:
    """PynamoDB's projection as the template writes it (NonKeyAttributes only for INCLUDE)."""
    return {key: value for key, value in projection.items() if key in ("ProjectionType", "NonKeyAttributes")}


def test_models_match_the_template_table(template: Template) -> None:
    table: Mapping[str, Any] = template.tables()["SlaOpsTable"]
    for model in (models.IncidentItem, models.TimelineEventItem, models.DowntimeItem, models.DeliveryItem):
        schema = model._get_schema()
        assert _keys(schema["key_schema"]) == _keys(table["KeySchema"])
    schema = models.IncidentItem._get_schema()
    declared = {item["AttributeName"]: item["AttributeType"] for item in table["AttributeDefinitions"]}
    used = {item["AttributeName"]: item["AttributeType"] for item in schema["attribute_definitions"]}
    assert used == declared
    # An index's keys as name -> role: PynamoDB lists them in its own order, the template hash first.
    template_indexes = {
        index["IndexName"]: (dict(_keys(index["KeySchema"])), index["Projection"])
        for index in table["GlobalSecondaryIndexes"]
    }
    model_indexes = {
        index["index_name"]: (dict(_keys(index["key_schema"])), _projection(index["projection"]))
        for index in schema["global_secondary_indexes"]
    }
    assert model_indexes == template_indexes
    assert table["TimeToLiveSpecification"]["AttributeName"] == models.DeliveryItem.expires_at.attr_name
    assert table["BillingMode"] == "PAY_PER_REQUEST"
