"""What a database made by create_all before migrations may lack: until migrations, every start
ran create_all (missing tables only) and add_missing_columns (missing nullable columns only), so
an older database has the tables, nullable columns and indexes of its own version of the code.
Stamped at the baseline, it gets the rest from a revision (`0002`) that calls this."""
from __future__ import annotations

from alembic import op
from sqlalchemy import Column, MetaData, inspect

from bot.migrations.catalog import index_names


def add_what_is_missing(baseline: MetaData) -> None:
    """Creates the tables, nullable columns and indexes of the frozen `baseline` that the database
    lacks. A database made by the baseline revision lacks none: nothing happens there."""
    bind = op.get_bind()
    inspector = inspect(bind)
    existing = set(inspector.get_table_names())
    for table in baseline.sorted_tables:
        if table.name not in existing:
            table.create(bind)  # with its indexes
            continue
        present = {column["name"] for column in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name in present:
                continue
            if not column.nullable:
                raise RuntimeError(f"{table.name}.{column.name} is missing and can't be added to existing rows "
                                   "(not nullable): this database predates every version that could run on it")
            op.add_column(table.name, Column(column.name, column.type))  # nullable, as add_missing_columns added it
        indexed = index_names(bind, table.name)
        for index in table.indexes:
            if index.name not in indexed:
                index.create(bind)

