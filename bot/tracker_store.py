"""Kept for shops whose endpoints.yml names `bot.tracker_store.ResilientSQLTrackerStore`: the
class lives in bot/rasa_ext/tracker_store.py. New configurations name that path."""
from bot.rasa_ext.broker import publish_and_wait  # noqa: F401  (imported from here before)
from bot.rasa_ext.tracker_store import ResilientSQLTrackerStore  # noqa: F401
