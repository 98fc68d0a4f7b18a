"""The console's words, one catalog per page section and language:
bot/web/i18n/<section>/<language>.yml, a flat map of key → text. Adding a language is adding a
file per section; a key missing in a language falls back to the shop's default language, then
English, then the key itself (so a half-translated file still shows something readable)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Dict

import yaml

from bot.languages import default_language, project_languages

CATALOG_DIR = Path(__file__).resolve().parent


@lru_cache(maxsize=None)
def _catalog(section: str, language: str) -> Dict[str, str]:
    path = CATALOG_DIR / section / f"{language}.yml"
    if not (section.isidentifier() and language.isalpha() and path.is_file()):
        return {}
    loaded = yaml.safe_load(path.read_text("utf-8")) or {}
    return {str(key): str(value) for key, value in loaded.items()}


def languages(section: str) -> list:
    folder = CATALOG_DIR / section
    return sorted(p.stem for p in folder.glob("*.yml")) if section.isidentifier() and folder.is_dir() else []


@lru_cache(maxsize=None)
def language_names(language: str) -> Dict[str, str]:
    """`lang.<code>` for each language of the bot, named in `language` by CLDR (Babel), so that a
    language added to the bot has a name before the catalogs list it ("francés", "French")."""
    from babel import Locale, UnknownLocaleError

    try:
        names = Locale.parse(language).languages
    except (UnknownLocaleError, ValueError, TypeError):
        return {}
    return {f"lang.{code}": names[code] for code in project_languages() if code in names}


def texts(section: str, language: str) -> Dict[str, str]:
    """Every key of the section, in `language` where it has it."""
    merged: Dict[str, str] = dict(language_names(language)) if language.isalpha() else {}
    for fallback in ("en", default_language(), language):
        merged.update(_catalog(section, fallback))
    return merged


def text(section: str, language: str, key: str, **values: object) -> str:
    template = texts(section, language).get(key, key)
    return template.format(**values) if values else template
