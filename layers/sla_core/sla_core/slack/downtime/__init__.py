"""Downtime and maintenance typed by hand in Slack: `/sla downtime` and `maintenance` (`routes` declares each,
`flows` handles it)."""
