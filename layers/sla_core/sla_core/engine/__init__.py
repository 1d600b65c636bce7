"""The pure SLA engine: the policy language, business calendars, deadlines, availability, credits, claims."""
