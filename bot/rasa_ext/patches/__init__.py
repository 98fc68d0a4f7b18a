"""Changes to Rasa's own code where Rasa offers no extension point. Each patch names the private
internals it relies on, and tests/rasa_ext/test_contracts.py checks them on the installed Rasa;
the package refuses to load on a Rasa it wasn't written for (bot/rasa_ext/compat.py)."""
from __future__ import annotations

from bot.rasa_ext.patches import action_failures, speedups


def apply_all() -> None:
    """Idempotent; the Rasa server applies these before Rasa's command line starts (server.py)."""
    speedups.apply()
    action_failures.apply()
