"""python -m bot run | serve | shell | validate | train | eval | review | bench | agent | settings | db — the commands
behind the Makefile. Every command first checks the environment's settings (bot/settings.py)."""
from __future__ import annotations

import argparse
import sys

from bot import launcher, settings


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bot")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="start the Rasa server and the action server")
    commands.add_parser("shell", help="chat in the terminal (rasa shell with the action server)")
    check = commands.add_parser("validate", help="the editors' data checks (file:line messages)")
    check.add_argument("--root", default=".", help="the project folder")
    train = commands.add_parser("train", help="validate, train, evaluate; promote only if no worse")
    train.add_argument("--root", default=".", help="the project folder (its data, models/, reports/)")
    train.add_argument("--stamp", help="file to touch once the data was trained on (make's models/.trained)")
    train.add_argument("--status", action="store_true", help="only say what the last training decided")
    train.add_argument("--skip-rasa-validate", action="store_true", help="only the project's own checks")
    review = commands.add_parser("review", help="what customers asked that the bot didn't get (YAML to label)")
    review.add_argument("--tracker-store", help="SQLAlchemy URL of the tracker store (default: TRACKER_STORE_URL, "
                                                "else sqlite:///$TRACKER_DB, else sqlite:///var/rasa_tracker.db)")
    review.add_argument("--out", default="reports/review.yml")
    evaluate = commands.add_parser("eval", help="accuracy per language, beside Rasa's stock pipeline")
    evaluate.add_argument("--skip-stock", action="store_true", help="only evaluate our pipeline")
    serve = commands.add_parser("serve", help="one process in the foreground (containers): rasa, actions or web")
    serve.add_argument("component", choices=["rasa", "actions", "web"])
    commands.add_parser("bench", help="ours beside stock Rasa (python -m bench --help for options)", add_help=False)
    commands.add_parser("db", help="our databases' schema: upgrade, current, revision (python -m bot db --help)",
                        add_help=False)
    commands.add_parser("privacy", help="customers' data: erase, export, retain, audit (python -m bot privacy --help)",
                        add_help=False)
    agent = commands.add_parser("agent", help="add an agent of the console, or set a new password")
    agent.add_argument("username")
    agent.add_argument("--name", help="the name customers see when the agent joins (default: username)")
    agent.add_argument("--role", choices=["agent", "supervisor"],
                       help="supervisors also see insights and answer privacy requests (default: agent, or unchanged)")
    agent.add_argument("--languages", help="languages the agent answers in, e.g. es,en (cases in them are offered first)")
    agent.add_argument("--teams", help="the agent's teams: returns, payments, shipping, general (e.g. returns,general)")
    kpis = commands.add_parser("kpis", help="how customer service is doing: the insights figures (README, Insights)")
    kpis.add_argument("--from", dest="first", required=True, metavar="YYYY-MM-DD")
    kpis.add_argument("--to", dest="last", required=True, metavar="YYYY-MM-DD")
    kpis.add_argument("--channel", help="only this channel (rest, socketio, whatsapp)")
    kpis.add_argument("--language", help="only this language (a code of data/nlu/: es, en…)")
    kpis.add_argument("--format", choices=["table", "json", "csv"], default="table")
    demo = commands.add_parser("demo-traffic", help="play N demo conversations through the running bot (insights demo)")
    demo.add_argument("n", type=int)
    insights = commands.add_parser("insights", help="insights rollups: `backfill` rebuilds them from the tracker store")
    insights.add_argument("action", choices=["backfill"])
    listing = commands.add_parser("settings", help="check the environment variables and show the settings in effect")
    listing.add_argument("--markdown", action="store_true", help="print the README's configuration tables instead")
    args, rest = parser.parse_known_args(argv)

    if args.command == "settings":
        from bot.settings_markdown import all_tables, in_effect

        print(all_tables() if args.markdown else in_effect(settings.check_at_start()))
        sys.exit(0)
    settings.check_at_start()  # a misconfigured variable stops every command here, named

    if args.command == "kpis":
        from bot.insights.cli import kpis as print_kpis

        sys.exit(print_kpis(args.first, args.last, args.channel, args.language, args.format))
    if args.command == "insights":
        from bot.insights.backfill import main as backfill

        sys.exit(backfill())
    if args.command == "demo-traffic":
        from bot.insights.demo_traffic import main as demo_traffic

        sys.exit(demo_traffic(args.n))

    if args.command == "agent":
        from bot.handoff.agents_cli import set_agent

        sys.exit(set_agent(args.username, args.name, args.role, args.languages, args.teams))
    if args.command == "run":
        sys.exit(launcher.run())
    if args.command == "serve":
        sys.exit(launcher.serve(args.component))
    if args.command == "shell":
        sys.exit(launcher.shell())
    if args.command == "validate":
        from pathlib import Path

        from bot.editor import validate

        found = validate.problems(Path(args.root))
        print(validate.report(found))
        sys.exit(2 if found else 0)
    if args.command == "train":
        from pathlib import Path

        from bot.editor import gate

        if args.status:
            sys.exit(gate.status(Path(args.root) / "models"))
        sys.exit(gate.main(Path(args.root), stamp=Path(args.stamp).resolve() if args.stamp else None,
                           rasa_validate=not args.skip_rasa_validate))
    if args.command == "review":
        from pathlib import Path

        from bot.editor import review as review_module
        from bot.languages import default_language

        sys.exit(review_module.main(args.tracker_store, Path(args.out), default_language()))
    if args.command == "eval":
        from bot import evaluation

        sys.exit(evaluation.main(skip_stock=args.skip_stock))
    if args.command == "bench":
        from bench.harness import main as bench_main

        sys.exit(bench_main(rest))
    if args.command == "db":
        from bot.migrations.cli import main as db_main

        sys.exit(db_main(rest))
    if args.command == "privacy":
        from bot.privacy.cli import main as privacy_main

        sys.exit(privacy_main(rest))
