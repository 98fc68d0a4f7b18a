"""The relay broker's feed into the insights rollups: every published event is folded into its
conversation's summary row (bot/insights/rollups.py) by one background thread, in order, a
turn's events in one transaction (whatever has queued up is taken together).

`add` queues the event and returns a future: Rasa's plain `publish` (one process) doesn't wait
for it; the production tracker store's confirmed publish waits until the event is folded, so that with several Rasa workers or replicas a conversation's next turn, which may land
on another one, finds its row up to date (the production tracker store awaits it, holding the
conversation's lock). A store that is down costs a logged warning, never a conversation; the
backfill command (`python -m bot insights backfill`) rebuilds what was missed.

A fresh store (no tracker event yet) is marked built on start: from then on every event comes
through here, so the figures read the rollups from the first conversation.
"""
from __future__ import annotations

import logging
import queue
import threading
import time
from concurrent.futures import Future
from typing import Any, Callable, Dict, List, Optional, Tuple

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.handoff import hours
from bot.insights import days, rollups

logger = logging.getLogger(__name__)
MAX_BATCH = 500  # events folded per transaction at most
SETTLE_EVERY_S = 600  # how often the conversations that ended 8 days ago get their next contact kept
_STOP = object()


class RollupFeed:
    def __init__(self, engine_factory: Callable[[], Engine], default_language: str,
                 tracker_url: Optional[str] = None) -> None:
        self._engine_factory = engine_factory
        self._engine: Optional[Engine] = None
        self._default_language = default_language
        self._tracker_url = tracker_url
        self._queue: "queue.SimpleQueue[Tuple[Any, Future]]" = queue.SimpleQueue()
        self._settled_at = time.monotonic() - SETTLE_EVERY_S  # settle after the first batch
        self._thread = threading.Thread(target=self._run, name="insights-rollups", daemon=True)
        self._thread.start()

    def add(self, event: Dict[str, Any]) -> Future:
        done: Future = Future()
        if event.get("sender_id") and event.get("event"):
            self._queue.put((event, done))
        else:
            done.set_result(0)
        return done

    def close(self, timeout: float = 10.0) -> None:
        self._queue.put((_STOP, Future()))
        self._thread.join(timeout)

    def _run(self) -> None:
        try:
            self._engine = self._engine_factory()
            if self._tracker_url is not None:
                mark_fresh_store_built(self._engine, self._tracker_url)
        except SQLAlchemyError as error:
            logger.warning("insights rollups: store unavailable at start (%s)", type(error).__name__)
        while True:
            batch: List[Tuple[Any, Future]] = [self._queue.get()]
            while len(batch) < MAX_BATCH:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            events = [(event, done) for event, done in batch if event is not _STOP]
            self._fold(events)
            if len(events) < len(batch):
                return
            if time.monotonic() - self._settled_at > SETTLE_EVERY_S:
                self._settle()

    def _settle(self) -> None:
        self._settled_at = time.monotonic()
        if self._engine is None:
            return
        try:
            with self._engine.begin() as conn:
                rollups.settle(conn)
            days.build_due(self._engine, hours.load_config().timezone)
        except SQLAlchemyError as error:
            logger.warning("insights rollups: not settled (%s)", type(error).__name__)
        except Exception:  # the days are an optimisation: folding must go on
            logger.exception("insights rollups: days not built")

    def _fold(self, events: List[Tuple[Dict[str, Any], Future]]) -> None:
        if not events:
            return
        try:
            if self._engine is None:
                self._engine = self._engine_factory()
            rollups.apply_events(self._engine, [event for event, _ in events], self._default_language)
        except SQLAlchemyError as error:
            logger.warning("insights rollups: store unavailable, %d events not folded (%s)", len(events), type(error).__name__)
        except Exception:  # a malformed event must not stop the feed
            logger.exception("insights rollups: %d events not folded", len(events))
        for _, done in events:
            done.set_result(None)


def mark_fresh_store_built(engine: Engine, tracker_url: str) -> bool:
    """Mark the rollups built when the tracker store holds no event yet (nothing to backfill)."""
    from bot.insights.backfill import has_events

    if rollups.is_built(engine):
        return True
    if has_events(tracker_url):
        logger.info("insights rollups: the tracker store has older events; `python -m bot insights backfill` builds them")
        return False
    with engine.begin() as conn:
        rollups.mark_built(conn, "fresh")
    return True


def from_environment() -> RollupFeed:
    """The feed of a Rasa server: the handoff store and the tracker store of the environment."""
    from bot.editor.review import default_url
    from bot.handoff import db
    from bot.languages import default_language

    return RollupFeed(lambda: db.make_engine(db.database_url()), default_language(), default_url())
