"""A contract's terms and figures in Slack: `/sla contracts`, `deadline` and `credit` (`routes` declares each,
`flows` handles it)."""
