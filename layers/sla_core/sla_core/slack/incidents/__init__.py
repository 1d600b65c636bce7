"""Incidents in Slack: open, acknowledge, update, resolve, correct, pause and resume them; the card's buttons, the
update modal, reminders' buttons and App Home (`routes` declares each, `flows` handles it)."""
