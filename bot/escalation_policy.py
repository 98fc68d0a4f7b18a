"""A dialogue policy with two rules: a message the NLU marked for escalation (bot/nlu/escalation.py)
is handed to a person at once, whatever the intent or an open form; and after any handoff the bot
listens.

A policy (Rasa's extension point for "what next") rather than rules: rules can't see the
escalation mark, and the customer's intent stays theirs. Its priority is above RulePolicy's so it
wins a tie of certainties.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.core.policies.policy import Policy, PolicyPrediction, confidence_scores_for
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

HANDOFF_ACTION = "action_handoff"
ESCALATION = "escalation"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT], is_trainable=False)
class EscalationPolicy(Policy):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"priority": 7}

    def train(self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        return self._resource

    def predict_action_probabilities(self, tracker: DialogueStateTracker, domain: Domain,
                                     rule_only_data: Optional[Dict[Text, Any]] = None, **kwargs: Any) -> PolicyPrediction:
        if tracker.is_paused():
            return self._prediction(self._default_predictions(domain))
        if tracker.latest_action_name == HANDOFF_ACTION:
            # After a handoff, however it was reached (a rule, this policy, an action's follow-up
            # for a VIP), the bot listens.
            return self._prediction(confidence_scores_for(ACTION_LISTEN_NAME, 1.0, domain))
        escalation = (tracker.latest_message.parse_data or {}).get(ESCALATION) if tracker.latest_message else None
        if escalation and tracker.latest_action_name == ACTION_LISTEN_NAME:
            return self._prediction(confidence_scores_for(HANDOFF_ACTION, 1.0, domain))
        return self._prediction(self._default_predictions(domain))
