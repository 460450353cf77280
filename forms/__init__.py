"""Printable forms rendered with reportlab from frozen records. No Qt, no SQLAlchemy."""
