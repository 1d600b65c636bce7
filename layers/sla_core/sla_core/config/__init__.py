"""Deployment configuration: the contracts file, settings and secrets, the clock."""
