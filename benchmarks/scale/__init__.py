"""The community-scale benchmark on PostgreSQL, in parts; `benchmarks/scale.py` runs it."""
