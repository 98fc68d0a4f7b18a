"""python -m bot run | shell | eval | bench | agent — the commands behind the Makefile."""
from __future__ import annotations

import argparse
import sys

from bot import launcher


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bot")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="start the Rasa server and the action server")
    commands.add_parser("shell", help="chat in the terminal (rasa shell with the action server)")
    evaluate = commands.add_parser("eval", help="accuracy per language, beside Rasa's stock pipeline")
    evaluate.add_argument("--skip-stock", action="store_true", help="only evaluate our pipeline")
    bench = commands.add_parser("bench", help="training time, start-up time, REST latency, memory")
    bench.add_argument("--no-train", action="store_true", help="skip the training-from-scratch figure")
    bench.add_argument("--conversations", type=int, default=30)
    agent = commands.add_parser("agent", help="add an agent of the console, or set a new password")
    agent.add_argument("username")
    agent.add_argument("--name", help="the name customers see when the agent joins (default: username)")
    args = parser.parse_args(argv)

    if args.command == "agent":
        from bot.handoff.agents_cli import set_agent

        sys.exit(set_agent(args.username, args.name))
    if args.command == "run":
        sys.exit(launcher.run())
    if args.command == "shell":
        sys.exit(launcher.shell())
    if args.command == "eval":
        from bot import evaluation

        sys.exit(evaluation.main(skip_stock=args.skip_stock))
    if args.command == "bench":
        from bot import benchmark

        sys.exit(benchmark.main(train=not args.no_train, conversations=args.conversations))
