"""Adapters: one package per backend, each returning plain frozen records.

Nothing outside this package knows SQL, SOAP/XML or a partner's JSON. Adapters never
import ``schema``, ``resolvers``, ``api`` or strawberry (a test keeps it so).
"""
