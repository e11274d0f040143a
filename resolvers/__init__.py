"""Field resolvers and the per-request aiodataloader loaders they read through."""
