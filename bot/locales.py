"""Languages as data: a language's locale for dates and money, and which language a country's (or
a phone number's) customers speak. From Babel's CLDR data, phonenumbers, and the shop's choices in
shop/languages.yml; no per-language table in the code, so a new language needs none."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Optional

import yaml

from bot.languages import default_language, project_languages
from bot.settings import PROJECT_ROOT

LANGUAGES_FILE = PROJECT_ROOT / "shop" / "languages.yml"
# A day with its weekday when the shop gave no pattern for the language (Babel's skeletons
# abbreviate it: "mar. 24 nov.").
DEFAULT_WEEKDAY_DAY = "EEEE d MMMM"


@lru_cache(maxsize=1)
def _shop_choices(path: Path = LANGUAGES_FILE) -> dict:
    try:
        return yaml.safe_load(path.read_text("utf-8")) or {}
    except OSError:
        return {}


def _choice(language: str, key: str) -> Optional[str]:
    return ((_shop_choices().get("languages") or {}).get(language) or {}).get(key)


def locale_of(language: Optional[str]) -> str:
    """The Babel locale a language's values are written in: the shop's choice, else CLDR's."""
    language = language or default_language()
    return _choice(language, "locale") or language


def weekday_day_pattern(language: Optional[str]) -> str:
    """The CLDR pattern of a day with its weekday: the shop's for the language, else the default."""
    return _choice(language or default_language(), "weekday_day") or DEFAULT_WEEKDAY_DAY


def language_of_country(country: Optional[str]) -> str:
    """The bot's language for a country (ISO 3166 "ES", "BR"): the first of its official
    languages (CLDR) the bot speaks; else shop/languages.yml's `other_countries`, if the bot speaks
    it; else the default language."""
    from babel.languages import get_official_languages

    spoken = project_languages()
    if country:
        for language in get_official_languages(country.upper(), de_facto=True):
            if language in spoken:
                return language
    fallback = str(_shop_choices().get("other_countries") or "")
    return fallback if fallback in spoken else default_language()


def country_of_phone(number: Optional[str]) -> Optional[str]:
    """ "34600111222" (digits of an international number, as WhatsApp sends them) -> "ES"."""
    import phonenumbers

    digits = "".join(c for c in str(number or "") if c.isdigit())
    if not digits:
        return None
    try:
        parsed = phonenumbers.parse("+" + digits, None)
    except phonenumbers.NumberParseException:
        return None
    region = phonenumbers.region_code_for_number(parsed) or phonenumbers.region_code_for_country_code(parsed.country_code or 0)
    return None if region in (None, "ZZ", "001") else region


def language_of_phone(number: Optional[str]) -> str:
    return language_of_country(country_of_phone(number))
