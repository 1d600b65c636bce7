"""The local stack: `python -m local_stack` serves template.yaml on this machine without Docker (see README)."""
