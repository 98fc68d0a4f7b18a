"""`python -m bot agent <username>`: adds an agent of the console (or sets a new password).
The password is read from AGENT_PASSWORD, or asked for without echo; never a command-line argument."""
from __future__ import annotations

import getpass
import os
import sys
from typing import Optional

from bot.handoff import db
from bot.handoff.accounts import Accounts

MIN_PASSWORD = 10


def set_agent(username: str, display_name: Optional[str], role: Optional[str] = None) -> int:
    password = os.environ.get("AGENT_PASSWORD") or getpass.getpass(f"Password for {username}: ")
    if len(password) < MIN_PASSWORD:
        print(f"The password needs at least {MIN_PASSWORD} characters.", file=sys.stderr)
        return 1
    Accounts(db.make_engine(db.database_url())).set_agent(username, password, display_name, role)
    print(f"Agent {username}{f' ({role})' if role else ''} saved in {db.database_url().split('@')[-1]}.")
    return 0
