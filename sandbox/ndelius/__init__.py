"""The nDelius stand-in: the contract schema and reference data, and a deterministic seed."""
