"""The handoff action when its store is down: a clear answer in the customer's language with
another way to reach the team, nothing raised, nothing personal in the log."""
from __future__ import annotations

import asyncio
import logging

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import OperationalError

import actions.handoff as handoff


def tracker(**slots) -> Tracker:
    latest = {"text": "quiero hablar con una persona", "intent": {"name": "human_handoff", "confidence": 0.99}}
    events = [{"event": "user", "timestamp": 1.0, "text": latest["text"], "parse_data": latest, "input_channel": "rest"}]
    return Tracker("ana-123", slots, latest, events, False, None, {}, "action_listen")


def test_a_store_that_is_down_gets_a_clear_answer_and_no_customer_data_in_the_log(monkeypatch, caplog):
    def down():
        raise OperationalError("INSERT … contact='ana.garcia@example.com'", {}, Exception("connection refused"))

    monkeypatch.setattr(handoff, "default_store", down)
    dispatcher = CollectingDispatcher()
    with caplog.at_level(logging.INFO):
        events = asyncio.run(handoff.ActionHandoff().run(dispatcher, tracker(language="en", contact="ana.garcia@example.com"), {}))
    assert events == []
    assert [m["response"] for m in dispatcher.messages] == ["utter_handoff_unavailable"]
    assert "OperationalError" in caplog.text and "ana.garcia" not in caplog.text
