"""Reading Rasa's YAML NLU files without Rasa: (intent, plain text) pairs.

Used where Rasa's loader would lose what we need (which language folder an example came from)
or would be too heavy (tests, evaluation scripts).
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator, Tuple

import yaml

# [text](entity) or [text]{"entity": ...}: keep the text.
_ENTITY_MARKUP = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


def plain_text(example: str) -> str:
    """The example as the customer typed it, without entity annotations."""
    return _ENTITY_MARKUP.sub(r"\1", example).strip()


def examples_in_file(path: Path) -> Iterator[Tuple[str, str]]:
    """(intent, text) for every intent example in one NLU file; other blocks are skipped."""
    document = yaml.safe_load(path.read_text("utf-8")) or {}
    for block in document.get("nlu") or []:
        intent = block.get("intent")
        if not intent:
            continue
        for line in (block.get("examples") or "").splitlines():
            line = line.strip()
            if line.startswith("- "):
                yield intent, plain_text(line[2:])


def examples_in_folder(folder: Path) -> Iterator[Tuple[str, str]]:
    for path in sorted(folder.rglob("*.yml")):
        yield from examples_in_file(path)
