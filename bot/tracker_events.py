"""The one reader of Rasa's tracker store tables: its SQL store keeps every event of every
conversation as one row of `events` (sender_id, type_name, timestamp, data as JSON), SQLite or
PostgreSQL alike. Our production store adds `aurora_event_outbox` (one row per conversation: the
last event published). Reading a date range (`make review`, the insights), finding and deleting
conversations (privacy) work on those rows directly, with no Rasa server."""
from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Set, Tuple

import sqlalchemy as sa
from sqlalchemy.engine import Engine

EVENTS = "events"
OUTBOX = "aurora_event_outbox"
# The events that carry what a customer said or was recorded about them.
PERSONAL_TYPES = ("user", "slot", "bot")
BATCH = 500


class TrackerEvents:
    def __init__(self, url: str) -> None:
        self.url = url
        self._engine: Engine | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = sa.create_engine(self.url, future=True)
        return self._engine

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def exists(self) -> bool:
        """False before the first conversation (no file, no table): nothing is held."""
        if self.url.startswith("sqlite:///") and not Path(self.url[len("sqlite:///"):]).exists():
            return False
        return sa.inspect(self.engine).has_table(EVENTS)

    def in_range(self, since: Optional[float] = None, until: Optional[float] = None,
                 limit: Optional[int] = None) -> Dict[str, List[Dict]]:
        """sender id -> its events in order; only those stamped within [since, until) when given,
        and at most `limit` of them. Raises SQLAlchemyError when there is no events table."""
        bounds = {name: value for name, value in (("since", since), ("until", until), ("limit", limit)) if value is not None}
        where = " AND ".join({"since": "timestamp >= :since", "until": "timestamp < :until"}[name]
                             for name in bounds if name != "limit")
        query = (f"SELECT sender_id, data FROM {EVENTS}" + (f" WHERE {where}" if where else "") + " ORDER BY id"
                 + (" LIMIT :limit" if limit is not None else ""))
        with self.engine.connect() as conn:
            rows = conn.execute(sa.text(query), bounds).fetchall()
        conversations: Dict[str, List[Dict]] = defaultdict(list)
        for sender_id, data in rows:
            try:
                conversations[sender_id].append(json.loads(data))
            except (TypeError, ValueError):
                continue
        return conversations

    def conversation_ids(self) -> List[str]:
        if not self.exists():
            return []
        with self.engine.connect() as conn:
            return [row[0] for row in conn.execute(sa.text(f"SELECT DISTINCT sender_id FROM {EVENTS}"))]

    def conversations_where(self, matches: Callable[[str, Dict], bool]) -> Set[str]:
        """Conversations with at least one user, slot or bot event for which `matches(sender_id,
        event)` holds. Streams the rows: the store may be large."""
        found: Set[str] = set()
        if not self.exists():
            return found
        query = sa.text(f"SELECT sender_id, data FROM {EVENTS} WHERE type_name IN :types ORDER BY id") \
            .bindparams(sa.bindparam("types", expanding=True))
        with self.engine.connect() as conn:
            rows = conn.execution_options(stream_results=True).execute(query, {"types": list(PERSONAL_TYPES)})
            for sender_id, data in rows:
                if sender_id in found:
                    continue
                try:
                    event = json.loads(data)
                except (TypeError, ValueError):
                    continue
                if matches(sender_id, event):
                    found.add(sender_id)
        return found

    def events_of(self, conversation_ids: Iterable[str]) -> Dict[str, List[Dict]]:
        ids = sorted(set(conversation_ids))
        result: Dict[str, List[Dict]] = {cid: [] for cid in ids}
        if not ids or not self.exists():
            return result
        query = sa.text(f"SELECT sender_id, data FROM {EVENTS} WHERE sender_id IN :ids ORDER BY id") \
            .bindparams(sa.bindparam("ids", expanding=True))
        with self.engine.connect() as conn:
            for chunk in _chunks(ids):
                for sender_id, data in conn.execute(query, {"ids": chunk}):
                    try:
                        result[sender_id].append(json.loads(data))
                    except (TypeError, ValueError):
                        continue
        return result

    def last_activity(self) -> Dict[str, float]:
        """Each conversation's latest event time (Unix seconds)."""
        if not self.exists():
            return {}
        with self.engine.connect() as conn:
            rows = conn.execute(sa.text(f"SELECT sender_id, MAX(timestamp) FROM {EVENTS} GROUP BY sender_id"))
            return {sender_id: float(at or 0) for sender_id, at in rows}

    def delete(self, conversation_ids: Iterable[str]) -> Tuple[int, int]:
        """Deletes every event of these conversations (and their outbox marks): (events,
        conversations) removed."""
        ids = sorted(set(conversation_ids))
        if not ids or not self.exists():
            return 0, 0
        has_outbox = sa.inspect(self.engine).has_table(OUTBOX)
        events = conversations = 0
        with self.engine.begin() as conn:
            secure_delete(conn)
            for chunk in _chunks(ids):
                params = {"ids": chunk}
                conversations += conn.execute(_in(f"SELECT COUNT(DISTINCT sender_id) FROM {EVENTS} WHERE sender_id IN :ids"), params).scalar() or 0
                events += conn.execute(_in(f"DELETE FROM {EVENTS} WHERE sender_id IN :ids"), params).rowcount or 0
                if has_outbox:
                    conn.execute(_in(f"DELETE FROM {OUTBOX} WHERE sender_id IN :ids"), params)
        if self.engine.dialect.name == "sqlite":
            _shrink_sqlite(self.engine)
        return events, conversations


def _in(sql: str) -> sa.TextClause:
    return sa.text(sql).bindparams(sa.bindparam("ids", expanding=True))


def _chunks(values: Sequence[str], size: int = BATCH) -> Iterator[List[str]]:
    for start in range(0, len(values), size):
        yield list(values[start:start + size])


def secure_delete(conn) -> None:
    """SQLite leaves deleted rows readable in the file's free space until it is reused: with
    secure_delete it overwrites them with zeros (this connection's deletes and updates)."""
    if conn.engine.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA secure_delete = ON")


def _shrink_sqlite(engine: Engine) -> None:
    """A write-ahead log keeps the pages as they were before the delete until a checkpoint:
    fold it into the file and empty it (when no other process is reading at that moment, else
    SQLite does it at its next checkpoint)."""
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
