"""PagerDuty V3 webhooks: signatures, payload parsing and the webhook flow."""
