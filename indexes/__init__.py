"""Search indexes: one SearchIndex protocol, one module per backend."""
