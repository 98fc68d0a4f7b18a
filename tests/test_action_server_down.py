"""The action server unreachable: a turn that needs it still gets a clear answer in the customer's
language with a way to a person (bot/rasa_ext/patches/action_failures.py), quickly, and the conversation goes on."""
import time

import pytest

from tests.conftest import running_bot
from tests.expected import says

pytestmark = pytest.mark.integration  # real servers, a browser or a training: not in `make check`


def test_with_the_action_server_unreachable_the_customer_is_offered_a_person(tmp_path):
    with running_bot(tmp_path, 15405, 15455, ACTION_SERVER_URL="http://127.0.0.1:9/webhook") as bot:
        started = time.monotonic()
        replies = bot.say("actions-down-es", "¿dónde está mi pedido 100234?")
        assert time.monotonic() - started < 10
        assert replies[0]["text"] == says("utter_action_failed", "es")
        assert [b["payload"] for b in replies[0]["buttons"]] == ["/human_handoff"]
        assert bot.texts("actions-down-es", "quiero hablar con una persona")[0] == says("utter_action_failed", "es")
        # Answers that need no action still work, in the customer's language; the session start
        # falls back to Rasa's own, silently.
        assert bot.texts("actions-down-en", "how much is shipping to Portugal?") == [says("utter_faq/shipping_cost", "en")]
