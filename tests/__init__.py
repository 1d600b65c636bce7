"""slaops tests: unit tests at the top and in unit/, DynamoDB Local integration tests in integration/."""
