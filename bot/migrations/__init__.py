"""Schema migrations (Alembic) of the databases we own, one migration environment each:

- `handoff/`: the handoff store (cases, agents, sessions, surveys, insights rollups, privacy audit);
- `shop/`: the shop's SQL database (orders, customers, returns, incidents);
- `tracker/`: our outbox table in Rasa's tracker store database (Rasa's tables are Rasa's).

Each store keeps its revision in a version table of its own (`aurora_<store>_version`), so two
stores can share one database. `runner.upgrade` brings a database to head (every process does at
start, `python -m bot db upgrade` does it by hand); `stores.py` says what each store is.
A schema change is a new revision in `<store>/versions/` (`python -m bot db revision`).
"""
