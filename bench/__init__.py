"""Benchmarks: measured numbers for bench/RESULTS.md, kept out of the test suite."""
