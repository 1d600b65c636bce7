"""Slack rendering in one place: every message, card, view and Block Kit helper slaops sends."""
