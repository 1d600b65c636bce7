"""Use cases: record an event, a contract's figures, reports, the reminder sweep."""
