"""Moved to bot/rasa_ext/endpoints.py; this re-export is kept while other work in progress still
imports the old path (remove once nothing does: grep -rn "bot.production\|bot import production")."""
from bot.rasa_ext.endpoints import LOCK_STORE_CLASS, TRACKER_STORE_CLASS, lock_store, pika_broker, tracker_store  # noqa: F401
