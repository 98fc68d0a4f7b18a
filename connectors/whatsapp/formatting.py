"""What we send, within WhatsApp's limits (pure functions): texts split at 4,096 characters,
buttons as reply buttons (1-3), a list (4-10), or lines to answer by typing (more; a 0-10 score
as its values, never numbered)."""
from __future__ import annotations

from typing import Any, Dict, List, Tuple

from bot.responses import domain_response_text as domain_text

# WhatsApp's limits on what we send
MAX_TEXT_LENGTH = 4096
MAX_INTERACTIVE_BODY_LENGTH = 1024
MAX_REPLY_BUTTONS = 3
MAX_BUTTON_TITLE_LENGTH = 20
MAX_LIST_ROWS = 10
MAX_ROW_TITLE_LENGTH = 24
MAX_ROW_DESCRIPTION_LENGTH = 72


def split_text(text: str, limit: int = MAX_TEXT_LENGTH) -> List[str]:
    """Pieces of at most `limit` characters, cut at the last whitespace when there is one."""
    pieces = []
    rest = text.strip()
    while len(rest) > limit:
        cut = max(rest.rfind(" ", 0, limit + 1), rest.rfind("\n", 0, limit + 1))
        if cut <= 0:
            cut = limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


def shortened(title: str, limit: int) -> str:
    title = " ".join(str(title or "").split())
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


def unique_titles(titles: List[str], limit: int) -> List[str]:
    """Titles within `limit`, made unique (WhatsApp refuses repeated ones) with " 2", " 3"…"""
    result: List[str] = []
    for title in titles:
        candidate, number = shortened(title, limit), 2
        while candidate in result:
            suffix = f" {number}"
            candidate, number = shortened(title, limit - len(suffix)) + suffix, number + 1
        result.append(candidate)
    return result


def _options(buttons: List[Dict[str, Any]]) -> List[Tuple[str, str]]:
    """(id, title) per button, the id being the payload Rasa gets back; a repeated id is dropped."""
    seen, options = set(), []
    for button in buttons:
        title = str(button.get("title") or "")
        option_id = str(button.get("payload") or title)
        if option_id and option_id not in seen:
            seen.add(option_id)
            options.append((option_id, title))
    return options


def text_message(text: str) -> Dict[str, Any]:
    return {"type": "text", "text": {"body": text}}


def image_message(url: str) -> Dict[str, Any]:
    return {"type": "image", "image": {"link": url}}


def reply_buttons_message(body: str, buttons: List[Dict[str, Any]]) -> Dict[str, Any]:
    options = _options(buttons)[:MAX_REPLY_BUTTONS]
    titles = unique_titles([title for _, title in options], MAX_BUTTON_TITLE_LENGTH)
    return {"type": "interactive", "interactive": {
        "type": "button",
        "body": {"text": body},
        "action": {"buttons": [
            {"type": "reply", "reply": {"id": option_id, "title": title}}
            for (option_id, _), title in zip(options, titles)
        ]},
    }}


def list_message(body: str, buttons: List[Dict[str, Any]], language: str) -> Dict[str, Any]:
    options = _options(buttons)[:MAX_LIST_ROWS]
    titles = unique_titles([title for _, title in options], MAX_ROW_TITLE_LENGTH)
    rows = []
    for (option_id, full_title), title in zip(options, titles):
        row = {"id": option_id, "title": title}
        if title != full_title:  # the whole title still shows, under the shortened one
            row["description"] = shortened(full_title, MAX_ROW_DESCRIPTION_LENGTH)
        rows.append(row)
    label = (domain_text("utter_list_button_label", language) or "…")[:20]  # WhatsApp: ≤ 20 characters
    return {"type": "interactive", "interactive": {
        "type": "list",
        "body": {"text": body},
        "action": {"button": label, "sections": [{"rows": rows}]},
    }}


def numbered_text(text: str, buttons: List[Dict[str, Any]]) -> str:
    """The options as lines to answer by typing. Options that are numbers themselves (a 0-10
    score) are shown as they are: numbered "1. 0 … 11. 10", a typed "9" could mean either."""
    titles = [title for _, title in _options(buttons)]
    if titles and all(title.strip().isdigit() for title in titles):
        lines = [" · ".join(title.strip() for title in titles)]
    else:
        lines = [f"{number}. {title}" for number, title in enumerate(titles, start=1)]
    return "\n".join([text.strip(), ""] + lines) if text.strip() else "\n".join(lines)


def messages_with_buttons(text: str, buttons: List[Dict[str, Any]], language: str) -> List[Dict[str, Any]]:
    """1-3 buttons: reply buttons; 4-10: a list; more: numbered lines. An interactive body holds
    1,024 characters, so a longer text goes first as plain text and its end becomes the body."""
    count = len(_options(buttons))
    if count == 0 or count > MAX_LIST_ROWS:
        return [text_message(piece) for piece in split_text(numbered_text(text, buttons))]
    pieces = split_text(text, MAX_INTERACTIVE_BODY_LENGTH) or ["…"]
    leading = [text_message(piece) for piece in split_text(" ".join(pieces[:-1]))]
    if count <= MAX_REPLY_BUTTONS:
        return leading + [reply_buttons_message(pieces[-1], buttons)]
    return leading + [list_message(pieces[-1], buttons, language)]
