"""Benchmarks (``python -m curator bench …``): synthetic corpora and measurements, never run as timed tests."""
