"""Kept for shops whose endpoints.yml names `bot.lock_store.RedisTicketLockStore`: the class
lives in bot/rasa_ext/lock_store.py. New configurations name that path."""
from bot.rasa_ext.lock_store import RedisTicketLockStore  # noqa: F401
