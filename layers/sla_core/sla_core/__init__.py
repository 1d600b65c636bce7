"""slaops SLA core: contracts as data, business-time deadlines, availability and service credits."""
