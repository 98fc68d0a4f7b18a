"""The body of every store's env.py: run the migrations on the connection the runner hands over
(no alembic.ini, no URL here: the runner owns the connection, its lock and its transaction)."""
from __future__ import annotations


def run(context) -> None:
    config = context.config
    store, connection = config.attributes["store"], config.attributes["connection"]
    if context.is_offline_mode():
        raise SystemExit("offline (--sql) migrations are not supported: run python -m bot db upgrade")

    context.configure(
        connection=connection,
        target_metadata=store.metadata(),
        version_table=store.version_table,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters a table by copying it
        include_name=store.include_name,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
