"""Writes into nDelius: exactly once, all-or-nothing, shaped like the legacy rows."""
