"""The reference province server (`motcua-server`): FastAPI over SQLAlchemy, SQLite or PostgreSQL.

Layout: `models` (tables), `db` (engines, sessions, migrations), `store` (every operation on
the data, shared by the HTTP API and the admin commands), `app` (the HTTP API of
sync.protocol), `cli` (`motcua-server run` and `motcua-server admin ...`).
"""
