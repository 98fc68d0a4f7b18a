"""One place that turns a request (dates, channel, language) into figures, so the API, the CLI and
the page give the same numbers: the stores come from the environment (TRACKER_STORE_URL or
TRACKER_DB; HANDOFF_DATABASE_URL), days are the shop's (the support hours' timezone)."""
from __future__ import annotations

from typing import Any, Dict, Mapping, Optional

from bot.editor import review
from bot.handoff import hours
from bot.insights import metrics, reading, rollup_figures, rollups, settings
from bot.languages import default_language


def shop_window(first: Optional[str], last: Optional[str], channel: Optional[str] = None,
                language: Optional[str] = None) -> reading.Window:
    return reading.window(first, last, hours.load_config().timezone, channel, language)


def read(engine, win: reading.Window, env: Optional[Mapping[str, str]] = None) -> reading.Data:
    """From the rollups once they hold every conversation (bot/insights/rollups.py), else from the
    tracker's events."""
    if rollups.is_built(engine):
        return reading.read_rollups(engine, review.default_url(env), win)
    return reading.read(engine, review.default_url(env), win, default_language())


def kpis(engine, win: reading.Window, env: Optional[Mapping[str, str]] = None) -> Dict[str, Any]:
    """The figures alone (the API, the CLI): added up by the database from the rollups once built."""
    if rollups.is_built(engine):
        return rollup_figures.kpis(engine, win, settings.load(env))
    return metrics.kpis(read(engine, win, env), settings.load(env))
