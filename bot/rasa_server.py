"""`python -m bot.rasa_server run …`: Rasa's own command line, with bot.rasa_speedups and
bot.action_failures applied first. The launcher starts the Rasa server this way; arguments are exactly `rasa`'s."""
from __future__ import annotations

import sys

from bot import action_failures, rasa_speedups


def main() -> None:
    rasa_speedups.apply()
    action_failures.apply()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
