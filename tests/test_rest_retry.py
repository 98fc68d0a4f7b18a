"""A client that lost a reply (a replica died under it) sends the message again with the same
message_id and "retry": true: the conversation holds it once, and the reply comes back."""
from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.integration  # real servers, a browser or a training: not in `make check`


def _send(bot, sender, text, message_id, retry=False):
    body = {"sender": sender, "message": text, "message_id": message_id}
    if retry:
        body["retry"] = True
    result = bot.post_raw(json.dumps(body).encode())
    assert result.status == 200, result.body[:300]
    return result.json()


def test_a_retried_message_is_answered_once(bot, sender):
    first = _send(bot, sender, "hello", "m-1")
    again = _send(bot, sender, "hello", "m-1", retry=True)
    assert [m.get("text") for m in again] == [m.get("text") for m in first]
    users = [e for e in bot.tracker(sender)["events"] if e["event"] == "user"]
    assert [e["message_id"] for e in users] == ["m-1"]


def test_a_retry_of_a_message_never_received_is_processed(bot, sender):
    replies = _send(bot, sender, "hola", "m-2", retry=True)
    assert replies
    users = [e for e in bot.tracker(sender)["events"] if e["event"] == "user"]
    assert [e["message_id"] for e in users] == ["m-2"]


def test_message_id_must_be_a_short_string(bot, sender):
    result = bot.post_raw(json.dumps({"sender": sender, "message": "hi", "message_id": 5}).encode())
    assert result.status == 400
