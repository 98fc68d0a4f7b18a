"""What the database's own catalogs say, where SQLAlchemy 1.4's reflection doesn't."""
from __future__ import annotations

from typing import Set

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection


def index_names(conn: Connection, table_name: str) -> Set[str]:
    """Every index of the table by name, those on expressions too (such as the shop's
    lower(email), which SQLAlchemy 1.4 skips when it reflects a table)."""
    if conn.dialect.name == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = :table"
    elif conn.dialect.name == "postgresql":
        query = "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = :table"
    else:
        return {index["name"] for index in inspect(conn).get_indexes(table_name)}
    return set(conn.execute(text(query), {"table": table_name}).scalars())
