"""The editors' review outputs (`make review`: reports/review.yml and review.json). Their texts
are masked, but a sentence can still say who wrote it ("soy Ana García, del pedido…"): erasing
a person removes their messages from both files, and retention deletes old files.

review.json names each message's conversation by a hash of its id (bot/editor/review.py), so an
erased conversation's messages can be found there; the same sentences are then removed from
review.yml, where the editors may have moved lines around while labelling."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Iterable, List, Optional


def _conversation_tag(conversation_id: str) -> str:
    return hashlib.sha256(conversation_id.encode()).hexdigest()[:10]  # as bot/editor/review.py names them


def _json_path(review_file: Path) -> Path:
    return review_file.with_suffix(".json")


def files(review_file: Path) -> List[Path]:
    return [p for p in (review_file, _json_path(review_file)) if p.is_file()]


def messages_of(review_file: Path, conversation_ids: Iterable[str]) -> List[dict]:
    tags = {_conversation_tag(c) for c in conversation_ids}
    loaded = _load_json(_json_path(review_file))
    return [m for m in (loaded or {}).get("messages", []) if m.get("conversation") in tags]


def remove_conversations(review_file: Path, conversation_ids: Iterable[str]) -> int:
    """Removes these conversations' messages from both files; returns how many messages."""
    tags = {_conversation_tag(c) for c in conversation_ids}
    json_path = _json_path(review_file)
    loaded = _load_json(json_path)
    if not loaded or not tags:
        return 0
    messages = loaded.get("messages", [])
    removed = [m for m in messages if m.get("conversation") in tags]
    if not removed:
        return 0
    kept = [m for m in messages if m.get("conversation") not in tags]
    loaded["messages"] = kept
    json_path.write_text(json.dumps(loaded, indent=1, ensure_ascii=False), "utf-8")
    still_there = {_line_text(m["text"]) for m in kept if isinstance(m.get("text"), str)}
    gone = {_line_text(m["text"]) for m in removed if isinstance(m.get("text"), str)} - still_there
    if review_file.is_file() and gone:
        lines = review_file.read_text("utf-8").splitlines(keepends=True)
        review_file.write_text("".join(line for line in lines if not _is_example_of(line, gone)), "utf-8")
    return len(removed)


def remove_older_than(review_file: Path, cutoff: float) -> List[Path]:
    """Deletes the review files written before `cutoff` (Unix seconds)."""
    removed = []
    for path in files(review_file):
        if path.stat().st_mtime < cutoff:
            path.unlink()
            removed.append(path)
    return removed


def _line_text(text: str) -> str:
    return " ".join(text.split()).lower()  # as review.yml writes an example line


def _is_example_of(line: str, texts: set) -> bool:
    stripped = line.strip()
    return stripped.startswith("- ") and _line_text(stripped[2:]) in texts


def _load_json(path: Path) -> Optional[dict]:
    if not path.is_file():
        return None
    try:
        loaded = json.loads(path.read_text("utf-8"))
    except ValueError:
        return None
    return loaded if isinstance(loaded, dict) else None
