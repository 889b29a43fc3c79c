"""Benchmarks of the platform on realistic volumes (``make bench``, ``make bench-smoke``)."""
