"""Staff, residents and integration clients; teams; roles as permission groups."""
