"""Upgrades a process runs at start, besides the handoff store's (every handoff engine upgrades,
bot/handoff/db.py) and the tracker outbox's (the tracker store's constructor)."""
from __future__ import annotations

import logging

from sqlalchemy.exc import OperationalError

from bot import sql_engine
from bot.migrations import runner, stores

logger = logging.getLogger(__name__)


def upgrade_existing_shop(url: str, timeout_s: float = 10) -> None:
    """The action server's start: a shop database that has our tables is brought to head, so a
    release's new column reaches it without a manual step. One without them is left alone: its
    tables come from the shop (or `python -m bot db upgrade`, or the demo seed), and until then the
    bot says the shop isn't answering rather than that an order doesn't exist. A database that
    doesn't answer now is no reason not to start: each call reports it."""
    engine = sql_engine.make_engine(url, timeout_s)
    try:
        revision = runner.upgrade(engine, stores.SHOP, create=False)
        logger.info("migrations.shop revision=%s", revision)
    except OperationalError as error:
        logger.warning("migrations.shop.unreachable error=%s", type(error).__name__)
    finally:
        engine.dispose()
