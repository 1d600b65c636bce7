"""The pagerduty function (deployed alone: its app.py is the Lambda handler module)."""
