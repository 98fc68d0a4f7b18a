"""Values in the customer's language: dates, money, tracking links (the sentences are in domain.yml)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Optional

import yaml
from babel.dates import format_date
from babel.numbers import format_currency

from bot import locales

CARRIERS_FILE = Path(__file__).resolve().parents[2] / "shop" / "carriers.yml"


def _locale(language: Optional[str]) -> str:
    return locales.locale_of(language)  # shop/languages.yml, else Babel's locale for the code


def day(value: Optional[date], language: Optional[str]) -> str:
    """"21 de diciembre de 2026", "21 December 2026", "21 de dezembro de 2026"."""
    return format_date(value, format="long", locale=_locale(language)) if value else ""


def short_day(value: Optional[date], language: Optional[str]) -> str:
    """"21 dic", "21 Dec", "21/12": short enough for a button title."""
    return format_date(value, format="d MMM", locale=_locale(language)) if value else ""


def money(amount: Decimal, language: Optional[str], currency: str = "EUR") -> str:
    return format_currency(amount, currency, locale=_locale(language))


@lru_cache(maxsize=1)
def _carrier_links() -> dict:
    return yaml.safe_load(CARRIERS_FILE.read_text("utf-8")) or {}


def tracking_url(carrier: Optional[str], tracking_number: Optional[str]) -> str:
    template = _carrier_links().get(carrier or "")
    return template.format(tracking_number=tracking_number) if template and tracking_number else ""


def weekday_day(value: date, language: Optional[str]) -> str:
    """"lunes 24 de noviembre", "Monday 24 November", "segunda-feira, 24 de novembro": the shop's
    pattern for the language (shop/languages.yml), else "EEEE d MMMM" in the language's locale."""
    return format_date(value, format=locales.weekday_day_pattern(language), locale=_locale(language))


def clock(value, language: Optional[str]) -> str:
    """"9:00", "09:00"."""
    from babel.dates import format_time

    return format_time(value, format="short", locale=_locale(language))
