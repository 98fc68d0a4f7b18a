"""The speed-ups (bot/rasa_ext/patches/speedups.py) give Rasa's own results."""
from __future__ import annotations

import pytest


def test_speedups_validate_like_rasa():
    from jsonschema import ValidationError, validate
    from rasa.core.actions.action import RemoteAction

    from bot.rasa_ext.patches import speedups

    speedups.apply()
    action = RemoteAction("action_x", None)
    good = {"events": [{"event": "slot", "name": "a", "value": 1}], "responses": [{"response": "utter_x"}]}
    bad = {"events": "not a list"}
    validate(good, RemoteAction.action_response_format_spec())
    assert action._validate_action_result(good) is True
    with pytest.raises(ValidationError) as ours:
        action._validate_action_result(bad)
    with pytest.raises(ValidationError) as rasas:
        validate(bad, RemoteAction.action_response_format_spec())
    assert ours.value.message.startswith(rasas.value.message)


def test_speedups_resolve_events_like_rasa():
    from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered

    from bot.rasa_ext.patches import speedups

    speedups.apply()
    for _ in range(2):
        assert Event.resolve_by_type("user") is UserUttered
        assert Event.resolve_by_type("slot") is SlotSet
        assert Event.resolve_by_type("action") is ActionExecuted
    assert Event.resolve_by_type("nonsense", default=SlotSet) is SlotSet
    with pytest.raises(ValueError):
        Event.resolve_by_type("nonsense")
