"""Benchmarks (``python -m curator bench …``): synthetic corpora and measurements reported as ratios against a
baseline measured in the same run; never run as timed tests."""
