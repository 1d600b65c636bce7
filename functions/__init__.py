"""Lambda entry points, one package per function (packages only so the three `app.py` have unique names)."""
