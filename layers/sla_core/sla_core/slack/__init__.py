"""Everything Slack: the Web API client, cards, views, messages, slash-command parsing and flows."""
