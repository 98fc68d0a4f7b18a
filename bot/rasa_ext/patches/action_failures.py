"""When the action server can't answer (down, too slow, answering garbage), Rasa 3.6 logs an error
and the customer gets no reply at all. Applied at start-up (bot/rasa_ext/server.py), a failed custom
action says `utter_action_failed` instead: in the customer's language, with a button to a person.

Form rejections (ActionExecutionRejection) are Rasa's normal flow and pass through. Rasa waits
5 minutes for an action; here at most ACTION_TIMEOUT_S (default 20 s): the shop backend behind the
actions gives up after SHOP_TIMEOUT_S (3 s) anyway.

Patched internals (checked by tests/rasa_ext/test_contracts.py): `RemoteAction.run`, and the
module global `rasa.core.actions.action.DEFAULT_REQUEST_TIMEOUT` it reads at call time (Rasa
takes no timeout for actions from endpoints.yml).
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List

from bot import settings

logger = logging.getLogger(__name__)
FALLBACK_RESPONSE = "utter_action_failed"
# Actions that only add to an answer Rasa already gave (the second and third FAQ answers): their
# failure is logged, and the customer keeps the answer without an apology after it.
OPTIONAL_ACTIONS = {"action_more_faq_answers"}
# Actions whose plain answer needs no server: said instead of the apology.
PLAIN_ANSWER = {"action_greet": "utter_greet", "action_payment_problem": "utter_payment_problem",
                "action_leave_order_form": "utter_form_stopped"}
_applied = False
_originals: Dict[str, Any] = {}


def rasa_originals() -> Dict[str, Any]:
    """Rasa's own `RemoteAction.run` and action timeout, as they were before `apply()`."""
    if _originals:
        return dict(_originals)
    from rasa.core.actions import action as rasa_action

    return {"RemoteAction.run": rasa_action.RemoteAction.run,
            "DEFAULT_REQUEST_TIMEOUT": rasa_action.DEFAULT_REQUEST_TIMEOUT}


def apply() -> None:
    global _applied
    if _applied:
        return
    from rasa.core.actions import action as rasa_action
    from rasa.core.actions.action import ActionExecutionRejection, ActionSessionStart, RemoteAction, create_bot_utterance

    _originals.update(rasa_originals())
    rasa_action.DEFAULT_REQUEST_TIMEOUT = settings.load().rasa.action_timeout_s
    original_run = _originals["RemoteAction.run"]

    async def run(self: RemoteAction, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> List[Any]:
        try:
            return await original_run(self, output_channel, nlg, tracker, domain)
        except ActionExecutionRejection:
            raise
        except Exception as error:  # noqa: BLE001
            # Not only Rasa's own errors: a body that isn't JSON reaches jsonschema as None
            # (ValidationError), a non-JSON 400 fails in json.loads. Whatever it was, the
            # customer gets an answer.
            logger.error("action %s failed (%s): the customer is offered a person", self.name(), type(error).__name__)
            if self.name() in OPTIONAL_ACTIONS:
                return []
            if self.name() == ActionSessionStart().name():
                # Our session start only adds the channel's language and identity: start as Rasa does.
                return await ActionSessionStart().run(output_channel, nlg, tracker, domain)
            response = PLAIN_ANSWER.get(self.name(), FALLBACK_RESPONSE)
            message = await nlg.generate(response, tracker, output_channel.name())
            if not message:
                return []
            message["utter_action"] = response
            return [create_bot_utterance(message)]

    RemoteAction.run = run
    _applied = True
