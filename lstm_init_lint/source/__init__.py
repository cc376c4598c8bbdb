"""Bytes to a parsed module, or a clear error with its line: decoding, limits, the syntax check, notebooks."""
