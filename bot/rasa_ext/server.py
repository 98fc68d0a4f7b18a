"""`python -m bot.rasa_ext.server run …`: Rasa's own command line, with our patches
(bot/rasa_ext/patches/) applied first. The launcher starts the Rasa server this way; arguments
are exactly `rasa`'s."""
from __future__ import annotations

import sys
from typing import Mapping, Optional

from bot import settings
from bot.privacy import log_masking
from bot.rasa_ext import patches


def with_token_from_environment(argv: list, env: Optional[Mapping[str, str]] = None) -> list:
    """The HTTP API's token comes from RASA_AUTH_TOKEN, never from the command line, where any
    user of the machine could read it (`ps`). Rasa itself only takes --auth-token, so it is added
    here, inside this process, after the command line was already set."""
    token = settings.load(env).rasa.auth_token
    if "--enable-api" in argv and "--auth-token" not in argv and token:
        return argv + ["--auth-token", token]
    return argv


def main() -> None:
    settings.check_at_start()  # a misconfigured variable stops here, named, before Rasa loads anything
    log_masking.install()  # no card number, email or phone in any log line, Rasa's included
    patches.apply_all()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    sys.argv[:] = with_token_from_environment(sys.argv)
    rasa_main()


if __name__ == "__main__":
    main()
