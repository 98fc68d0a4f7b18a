"""python -m bot run | shell | eval | bench — the commands behind the Makefile."""
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
    args = parser.parse_args(argv)

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
