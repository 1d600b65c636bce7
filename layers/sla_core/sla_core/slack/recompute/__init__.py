"""A period's figures recomputed against those on record: `/sla recompute` and its confirmation button (`routes`
declares each, `flows` handles it)."""
