"""Paths to results: discovery, excludes, configuration, selection, noqa, the pre-filter, the cache and the runner."""
