"""Benchmarks: seed large data, print figures. Not part of the test run."""
