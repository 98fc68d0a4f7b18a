"""Everything of ours that runs inside the Rasa server, in one place:

- `server.py`: `python -m bot.rasa_ext.server …`, Rasa's own command line with our patches applied;
- `endpoints.py`: the production stores and broker of endpoints.yml, from URLs in the environment;
- `tracker_store.py`, `lock_store.py`: our store classes (Rasa's extension point: a class path
  in endpoints.yml);
- `broker.py`: a turn's events confirmed by RabbitMQ before its reply goes out;
- `agent.py`: what the channels need from Rasa's agent (the store behind its fail-safe wrapper);
- `patches/`: the changes no extension point allows (faster action-answer checks and event
  lookups, a failed custom action answering the customer).

The channels (connectors/) and the handoff relay broker (bot/handoff/relay.py) use Rasa's
extension points only, so they live with their concerns.

Importing this package checks the installed Rasa (compat.py): on another version it refuses to
load, rather than patch internals that may have changed.
"""
from __future__ import annotations

from rasa.version import __version__ as _rasa_version

from bot.rasa_ext.compat import require_supported_rasa

require_supported_rasa(_rasa_version)
