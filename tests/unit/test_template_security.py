"""What the security scan (checkov, `make template`) asks of template.yaml, held here as facts of the template:
logs kept for a set time, the alarm topic and dead-letter queue encrypted, one sweep at a time, the Slack
function told which workspace it serves, and every check that does not apply skipped with its reason."""

from __future__ import annotations

from typing import Any

from local_stack.template import Template

FUNCTION = "AWS::Serverless::Function"


def test_every_function_logs_to_a_log_group_the_stack_keeps_for_log_retention_days(template: Template) -> None:
    functions = {k: r for k, r in template.resources.items() if r["Type"] == FUNCTION}
    assert len(functions) == 3
    for logical_id, function in functions.items():
        group_id = function["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]
        group = template.resources[group_id]
        assert group["Type"] == "AWS::Logs::LogGroup", logical_id
        assert group["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}, logical_id


def test_the_http_api_writes_an_access_log_with_retention(template: Template) -> None:
    settings = template.resources["HttpApi"]["Properties"]["AccessLogSettings"]
    group_id = settings["DestinationArn"]["Fn::GetAtt"][0]
    assert template.resources[group_id]["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    assert "$context.requestId" in settings["Format"] and "$context.status" in settings["Format"]


def test_the_alarm_topic_is_encrypted_with_a_key_cloudwatch_may_use(template: Template) -> None:
    assert template.resources["AlarmTopic"]["Properties"]["KmsMasterKeyId"] == {"Ref": "AlarmTopicKey"}
    key = template.resources["AlarmTopicKey"]["Properties"]
    assert key["EnableKeyRotation"] is True
    (cloudwatch,) = [s for s in key["KeyPolicy"]["Statement"] if s["Principal"].get("Service")]
    assert cloudwatch["Principal"]["Service"] == "cloudwatch.amazonaws.com"
    assert set(cloudwatch["Action"]) == {"kms:Decrypt", "kms:GenerateDataKey*"}


def test_one_sweep_runs_at_a_time(template: Template) -> None:
    assert template.resources["ReminderFunction"]["Properties"]["ReservedConcurrentExecutions"] == 1


def test_the_slack_function_is_told_its_workspaces_and_the_team_parameter_is_required(template: Template) -> None:
    variables = template.resources["SlackFunction"]["Properties"]["Environment"]["Variables"]
    assert variables["SLACK_TEAM_IDS"] == {"Ref": "SlackTeamIds"}
    assert variables["SLACK_ENTERPRISE_IDS"] == {"Ref": "SlackEnterpriseIds"}
    assert "Default" not in template.parameters["SlackTeamIds"]  # sam deploy asks for it
    assert template.parameters["SlackEnterpriseIds"]["Default"] == ""


def test_every_skipped_check_says_why_in_one_line(template: Template) -> None:
    skipped: list[dict[str, Any]] = [
        skip
        for r in template.resources.values()
        for skip in (r.get("Metadata") or {}).get("checkov", {}).get("skip", [])
    ]
    assert skipped
    for skip in skipped:
        assert skip["id"].startswith("CKV_AWS_")
        assert skip["comment"].strip() and "\n" not in skip["comment"].strip(), skip["id"]
