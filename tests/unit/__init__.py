"""Tests of the application frame that need no database."""
