"""Which languages the bot speaks: data, not code.

A language is supported when `data/nlu/<code>/` holds training files. The default language (the
one the responses' first, unconditioned variation is written in) is `language:` in config.yml.
Adding a language is adding its folder and its data: see docs/editors.md.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import List

import yaml

from bot.settings import PROJECT_ROOT

NLU_DIR = "data/nlu"


def default_language(root: Path = PROJECT_ROOT) -> str:
    """`language:` in config.yml (Spanish when it says nothing)."""
    try:
        config = yaml.safe_load((Path(root) / "config.yml").read_text("utf-8")) or {}
    except (OSError, yaml.YAMLError):
        config = {}
    return str(config.get("language") or "es")


def language_folders(nlu_dir: Path) -> List[str]:
    """The names of the folders of `nlu_dir` that hold training files, sorted."""
    nlu_dir = Path(nlu_dir)
    if not nlu_dir.is_dir():
        return []
    return sorted(p.name for p in nlu_dir.iterdir() if p.is_dir() and any(p.rglob("*.yml")))


def supported_languages(root: Path = PROJECT_ROOT) -> List[str]:
    """The default language first, then the others in alphabetical order."""
    default = default_language(root)
    others = [code for code in language_folders(Path(root) / NLU_DIR) if code != default]
    return [default] + others


@lru_cache(maxsize=1)
def project_languages() -> tuple:
    """supported_languages() of this checkout, read once per process."""
    return tuple(supported_languages())


@lru_cache(maxsize=1)
def _detector():
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in project_languages()]
    return LanguageDetectorBuilder.from_languages(*languages).build()  # models load on first use


def language_of(text: str) -> str:
    """The project language a shop's own text is written in ("" when unsure): a shop's free-text
    reason is only quoted to customers who speak its language."""
    found = _detector().detect_language_of(text or "") if (text or "").strip() else None
    return found.iso_code_639_1.name.lower() if found else ""
