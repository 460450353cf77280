"""Synchronisation with the province server (protocol, client, reference server)."""
