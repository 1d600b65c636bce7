"""The reminders function (deployed alone: its app.py is the Lambda handler module)."""
