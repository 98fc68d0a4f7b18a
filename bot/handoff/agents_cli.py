"""`python -m bot agent <username>`: adds an agent of the console (or sets a new password), with
the languages they answer in and their teams (`--languages es,en --teams returns,general`).
The password is read from AGENT_PASSWORD, or asked for without echo; never a command-line argument."""
from __future__ import annotations

import getpass
import sys
from typing import List, Optional

from bot import settings
from bot.handoff import db
from bot.handoff.accounts import Accounts
from bot.handoff.triage import texts as console_settings
from bot.languages import project_languages

MIN_PASSWORD = 10


def _listed(value: Optional[str], allowed: List[str], what: str) -> Optional[List[str]]:
    """"es, en" -> ["es", "en"]; None when not given; SystemExit naming the allowed values otherwise."""
    if value is None:
        return None
    items = [part.strip().lower() for part in value.split(",") if part.strip()]
    unknown = [item for item in items if item not in allowed]
    if unknown:
        raise SystemExit(f"Unknown {what}: {', '.join(unknown)}. Use some of: {', '.join(allowed)}.")
    return items


def set_agent(username: str, display_name: Optional[str], role: Optional[str] = None,
              languages: Optional[str] = None, teams: Optional[str] = None) -> int:
    spoken = _listed(languages, list(project_languages()), "language")
    joined = _listed(teams, list(console_settings().get("categories") or {}), "team")
    password = settings.load().handoff.agent_password or getpass.getpass(f"Password for {username}: ")
    if len(password) < MIN_PASSWORD:
        print(f"The password needs at least {MIN_PASSWORD} characters.", file=sys.stderr)
        return 1
    accounts = Accounts(db.make_engine(db.database_url()))
    accounts.set_agent(username, password, display_name, role)
    accounts.set_preferences(username, languages=spoken, teams=joined)
    extras = [f"({role})" if role else "", f"languages {','.join(spoken)}" if spoken else "", f"teams {','.join(joined)}" if joined else ""]
    print(f"Agent {username} {' '.join(e for e in extras if e)} saved in {db.database_url().split('@')[-1]}.".replace("  ", " "))
    return 0
