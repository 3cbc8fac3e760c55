"""Causes of the figures `make bench` may report short, by row name (bench/run.py writes them into
docs/benchmarks.md). Filled from EXPLAIN ANALYZE and profiles of the bench runs."""

CAUSES: dict[str, str] = {}
