"""Stand-ins for the legacy world: a throwaway PostgreSQL, seeded nDelius data, stub services."""
