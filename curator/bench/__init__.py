"""Benchmarks run by ``python -m curator bench …``: figures as ratios against a baseline in the same run."""
