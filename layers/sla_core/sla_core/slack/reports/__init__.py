"""A period's SLA report uploaded to Slack: `/sla report` (`routes` declares it, `flows` handles it)."""
