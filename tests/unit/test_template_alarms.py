"""The alarms in template.yaml watch metrics the code really emits, with its dimensions, and all notify one topic."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from local_stack.template import Template
from tests.conftest import ROOT

ALARM = "AWS::CloudWatch::Alarm"
TOPIC = {"Ref": "AlarmTopic"}


def alarms(template: Template) -> dict[str, Mapping[str, Any]]:
    return {k: r["Properties"] for k, r in template.resources.items() if r["Type"] == ALARM}


def emf(template: Template) -> tuple[str, str]:
    """Powertools' namespace and `service` dimension, as Globals sets them for every function."""
    variables = template.globals["Environment"]["Variables"]
    return variables["POWERTOOLS_METRICS_NAMESPACE"], variables["POWERTOOLS_SERVICE_NAME"]


def emitted_source() -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in sorted((ROOT / "functions").glob("*/app.py")))


def test_every_alarm_notifies_the_topic_on_alarm_and_on_ok(template: Template) -> None:
    found = alarms(template)
    assert len(found) == 9
    for logical_id, alarm in found.items():
        assert alarm["AlarmActions"] == [TOPIC], logical_id
        assert alarm["OKActions"] == [TOPIC], logical_id
        # The topic policy lets only alarms named <stack>-* publish.
        assert alarm["AlarmName"]["Fn::Sub"].startswith("${AWS::StackName}-"), logical_id
        assert alarm["AlarmDescription"].strip(), logical_id
    condition = template.resources["AlarmTopicPolicy"]["Properties"]["PolicyDocument"]["Statement"][0]["Condition"]
    assert condition["ArnLike"]["aws:SourceArn"]["Fn::Sub"].endswith(":alarm:${AWS::StackName}-*")


def test_alarms_on_emf_metrics_use_powertools_namespace_and_service_dimension(template: Template) -> None:
    namespace, service = emf(template)
    source = emitted_source()
    watched = {a["MetricName"]: a for a in alarms(template).values() if a.get("Namespace") == namespace}
    assert set(watched) == {"SweepHeartbeat", "OldestPendingPostAge", "PostsFailed", "WebhookSignatureRejected"}
    for metric, alarm in watched.items():
        assert alarm["Dimensions"] == [{"Name": "service", "Value": service}], metric
        assert f'add_metric(name="{metric}"' in source, f"{metric} is not emitted by any function"


def test_a_missing_heartbeat_is_breaching_and_everything_else_missing_is_not(template: Template) -> None:
    for logical_id, alarm in alarms(template).items():
        expected = "breaching" if logical_id == "SweepHeartbeatMissingAlarm" else "notBreaching"
        assert alarm["TreatMissingData"] == expected, logical_id
    heartbeat = alarms(template)["SweepHeartbeatMissingAlarm"]
    assert heartbeat["Period"] * heartbeat["DatapointsToAlarm"] == 300  # absent for 5 minutes


@pytest.mark.parametrize(
    ("logical_id", "namespace", "dimension"),
    [
        ("SweepErrorsAlarm", "AWS/Lambda", {"Name": "FunctionName", "Value": {"Ref": "ReminderFunction"}}),
        ("Api5xxAlarm", "AWS/ApiGateway", {"Name": "ApiId", "Value": {"Ref": "HttpApi"}}),
        ("Api4xxAlarm", "AWS/ApiGateway", {"Name": "ApiId", "Value": {"Ref": "HttpApi"}}),
        (
            "ReminderScheduleDeadLettersAlarm",
            "AWS/SQS",
            {"Name": "QueueName", "Value": {"Fn::GetAtt": ["ReminderScheduleDeadLetterQueue", "QueueName"]}},
        ),
    ],
)
def test_service_metric_alarms_point_at_this_stack(
    template: Template, logical_id: str, namespace: str, dimension: dict[str, Any]
) -> None:
    alarm = alarms(template)[logical_id]
    assert (alarm["Namespace"], alarm["Dimensions"]) == (namespace, [dimension])


def test_throttling_alarm_covers_the_table_and_every_index(template: Template) -> None:
    table = template.tables()["SlaOpsTable"]
    queries = alarms(template)["TableThrottlingAlarm"]["Metrics"]
    stats = {query["Id"]: query["MetricStat"]["Metric"] for query in queries if "MetricStat" in query}
    covered = set()
    for metric in stats.values():
        dims = {d["Name"]: d["Value"] for d in metric["Dimensions"]}
        assert metric["Namespace"] == "AWS/DynamoDB" and dims.pop("TableName") == {"Ref": "SlaOpsTable"}
        covered.add((metric["MetricName"], dims.get("GlobalSecondaryIndexName")))
    indexes = [None, *(index["IndexName"] for index in table["GlobalSecondaryIndexes"])]
    assert covered == {(name, i) for name in ("ReadThrottleEvents", "WriteThrottleEvents") for i in indexes}
    (expression,) = [query["Expression"] for query in queries if "Expression" in query]
    assert all(f"FILL({metric_id}, 0)" in expression for metric_id in stats)


def test_the_schedule_retries_then_dead_letters_to_an_encrypted_queue(template: Template) -> None:
    event = template.resources["ReminderFunction"]["Properties"]["Events"]["EveryMinute"]["Properties"]
    assert event["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": ["ReminderScheduleDeadLetterQueue", "Arn"]}}
    assert event["RetryPolicy"]["MaximumEventAgeInSeconds"] == 60  # a tick older than a minute is superseded
    queue = template.resources["ReminderScheduleDeadLetterQueue"]["Properties"]
    assert queue["KmsMasterKeyId"] == "alias/aws/sqs" and queue["MessageRetentionPeriod"] == 14 * 24 * 3600


def test_the_email_subscription_exists_only_when_an_address_is_given(template: Template) -> None:
    raw = template.path.read_text(encoding="utf-8")
    assert 'HasAlarmEmail: !Not [!Equals [!Ref AlarmEmail, ""]]' in raw
    subscription = template.resources["AlarmEmailSubscription"]
    assert subscription["Condition"] == "HasAlarmEmail"
    assert subscription["Properties"]["Endpoint"] == {"Ref": "AlarmEmail"}
    assert template.parameters["AlarmEmail"]["Default"] == ""
