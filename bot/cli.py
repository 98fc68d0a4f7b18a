"""python -m bot run | serve | shell | eval | bench — the commands behind the Makefile."""
from __future__ import annotations

import argparse
import sys

from bot import launcher


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bot")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="start the Rasa server and the action server")
    commands.add_parser("shell", help="chat in the terminal (rasa shell with the action server)")
    serve = commands.add_parser("serve", help="one process in the foreground (containers): rasa, actions or web")
    serve.add_argument("component", choices=["rasa", "actions", "web"])
    evaluate = commands.add_parser("eval", help="accuracy per language, beside Rasa's stock pipeline")
    evaluate.add_argument("--skip-stock", action="store_true", help="only evaluate our pipeline")
    commands.add_parser("bench", help="ours beside stock Rasa (python -m bench --help for options)", add_help=False)
    args, rest = parser.parse_known_args(argv)

    if args.command == "run":
        sys.exit(launcher.run())
    if args.command == "serve":
        sys.exit(launcher.serve(args.component))
    if args.command == "shell":
        sys.exit(launcher.shell())
    if args.command == "eval":
        from bot import evaluation

        sys.exit(evaluation.main(skip_stock=args.skip_stock))
    if args.command == "bench":
        from bench.harness import main as bench_main

        sys.exit(bench_main(rest))
