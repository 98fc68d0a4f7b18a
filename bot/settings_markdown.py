"""The README's configuration tables, from the declarations in bot/settings.py
(`python -m bot settings --markdown`), and read back from the README (tests/test_settings.py
checks that the two agree)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional

from bot.settings import VARIABLES, Settings
from bot.settings_parsing import Variable

HEADER = "| variable | default | what |\n|---|---|---|"
# Where each table is in README.md, for the reader of the generated text.
TABLES = {
    "general": "Configuration (the servers)",
    "whatsapp": "Configuration → WhatsApp",
    "shop": "Configuration → Shop backend",
    "agents": "Configuration → Agents and the console",
    "production": "Running in production",
    "files": "Configuration → The shop's files",
}
_NAME_CELL = re.compile(r"^`[A-Z][A-Z0-9_]+`(, `[A-Z][A-Z0-9_]+`)*$")


@dataclass(frozen=True)
class Row:
    names: List[str]
    default: Optional[str]  # None: the table has no default column
    what: str
    line: int


def _shown(default: str) -> str:
    """A plain default is shown as code (`var/rasa_tracker.db`), a number or a phrase as is."""
    if not default or "`" in default or default.startswith("(") or " " in default or default.replace(".", "").isdigit():
        return default
    return f"`{default}`"


def table(name: str, variables: Iterable[Variable] = VARIABLES) -> str:
    rows = [f"| `{v.name}` | {_shown(v.readme_default)} | {v.what} |".replace("|  |", "| |")
            for v in variables if v.table == name]
    return "\n".join([HEADER, *rows])


def all_tables() -> str:
    return "\n\n".join(f"<!-- {title} -->\n{table(name)}" for name, title in TABLES.items())


def _cells(line: str) -> List[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def readme_rows(markdown: str) -> List[Row]:
    """The rows of every table whose first column names environment variables in backticks."""
    rows: List[Row] = []
    header: List[str] = []
    for number, line in enumerate(markdown.splitlines(), 1):
        stripped = line.strip()
        if not stripped.startswith("|"):
            header = []
            continue
        cells = _cells(stripped)
        if not header:
            header = [cell.lower() for cell in cells]
            continue
        if set(stripped) <= set("|-: "):
            continue
        if _NAME_CELL.match(cells[0]):
            columns: Dict[str, str] = dict(zip(header[1:], cells[1:]))
            names = re.findall(r"`([A-Z0-9_]+)`", cells[0])
            rows.append(Row(names, columns.get("default"), columns.get("what", ""), number))
    return rows


def normalised(default: str) -> str:
    """How a default compares: without backticks and surrounding spaces."""
    return default.replace("`", "").strip()


def in_effect(loaded: Settings) -> str:
    """Each variable's value in effect, secrets shown only as set or not."""
    lines = []
    for variable in VARIABLES:
        value = getattr(getattr(loaded, variable.section), variable.field)
        if variable.secret:
            value = "(set)" if value else "(not set)"
        elif isinstance(value, tuple):
            value = ",".join(value)
        lines.append(f"{variable.name}={value}")
    return "\n".join(lines)
