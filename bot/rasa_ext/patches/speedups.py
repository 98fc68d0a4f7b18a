"""Two hot spots of Rasa 3.6's request path, measured with py-spy under `make bench`, fixed
without changing what Rasa does (tests/rasa_ext/test_speedups.py compares the results with
Rasa's own; tests/rasa_ext/test_contracts.py checks the patched internals,
`RemoteAction._validate_action_result` and `Event.resolve_by_type`):

- Every custom action's answer is checked against Rasa's JSON schema with `jsonschema.validate`,
  which first validates *the schema itself* and builds a new validator, on every call: about a
  third of a turn's CPU time on order turns. Here the validator is built once and reused.
- Every event read from the tracker store looks its class up by walking all subclasses of
  `Event` (and `inspect.isabstract` on each): about 7% of a turn. Here the lookup is cached
  (a miss falls back to Rasa's walk, so classes imported later are still found).

`apply()` is idempotent; `python -m bot.rasa_ext.server` applies it and then runs Rasa's CLI.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, Optional, Text, Type

_applied = False
_originals: Dict[Text, Any] = {}


@lru_cache(maxsize=8)
def _validator_for(schema_json: str) -> Any:
    import json

    from jsonschema.validators import validator_for

    schema = json.loads(schema_json)
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _cached_validate_action_result(self: Any, result: Dict[Text, Any]) -> bool:
    import json

    from jsonschema.exceptions import best_match
    from rasa.core.actions.action import DOCS_BASE_URL

    validator = _validator_for(json.dumps(self.action_response_format_spec(), sort_keys=True))
    error = best_match(validator.iter_errors(result))  # what jsonschema.validate raises
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, make sure your response from the "
        f"Action endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
    )
    raise error


def rasa_originals() -> Dict[Text, Any]:
    """Rasa's own functions this module replaces, as they were before `apply()` (the contract
    tests check them, whether or not the patch was applied in the same process)."""
    if _originals:
        return dict(_originals)
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core import events

    return {"RemoteAction._validate_action_result": RemoteAction._validate_action_result,
            "Event.resolve_by_type": events.Event.resolve_by_type}


def apply() -> None:
    global _applied
    if _applied:
        return
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core import events

    _originals.update(rasa_originals())
    RemoteAction._validate_action_result = _cached_validate_action_result

    original = _originals["Event.resolve_by_type"]
    by_name: Dict[Text, Type[events.Event]] = {}

    def resolve_by_type(type_name: Text, default: Optional[Type[events.Event]] = None) -> Optional[Type[events.Event]]:
        cls = by_name.get(type_name)
        if cls is None:
            cls = original(type_name, default)
            if cls is not None and cls is not default:
                by_name[type_name] = cls
        return cls

    events.Event.resolve_by_type = staticmethod(resolve_by_type)
    _applied = True
