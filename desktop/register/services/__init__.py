"""The register's services, one per subject; `Register` (service.py) is their façade."""
