"""Tests against DynamoDB Local (started by the test session) and the local stack."""
