"""`python -m bot kpis --from YYYY-MM-DD --to YYYY-MM-DD [--channel] [--language] --format table|json|csv`:
the figures of GET /api/insights, from the same stores."""
from __future__ import annotations

import sys

from bot.handoff import db
from bot.insights import formatting, reading, report


def kpis(first: str, last: str, channel=None, language=None, fmt: str = "table") -> int:
    try:
        win = report.shop_window(first, last, channel, language)
    except reading.BadRange as error:
        print(f"kpis: {error}", file=sys.stderr)
        return 2
    engine = db.make_engine(db.database_url())
    try:
        sys.stdout.write(formatting.render(report.kpis(engine, win), fmt))
    finally:
        engine.dispose()
    return 0
