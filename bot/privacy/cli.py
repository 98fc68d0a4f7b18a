"""`python -m bot privacy …`: a shop's answer to an erasure or access request in one command.

    erase  --email … | --phone … | --customer … | --conversation …  [--yes]
    export --email … | --phone … | --customer … | --conversation …  [--out FILE]
    retain [--now UNIX_SECONDS]
    audit  [--limit N]

Each run is recorded in the audit log as the operating-system user (os:<user>).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

from bot.privacy import audit, places as places_module
from bot.privacy.subject import KINDS, BadSubject, Subject, subject


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot privacy", description="customers' data: erase, export, retention, audit")
    commands = parser.add_subparsers(dest="action", required=True)
    for name, what in (("erase", "erase everything held about a customer, store by store"),
                       ("export", "everything held about a customer, as one JSON document")):
        command = commands.add_parser(name, help=what)
        who = command.add_mutually_exclusive_group(required=True)
        for kind in KINDS:
            who.add_argument(f"--{kind}", help=f"the customer's {kind}" if kind != "conversation" else "one conversation id")
        if name == "erase":
            command.add_argument("--yes", action="store_true", help="don't ask for confirmation (scripts)")
        else:
            command.add_argument("--out", help="write the document here instead of printing it")
    retain = commands.add_parser("retain", help="apply shop/privacy.yml's retention now")
    retain.add_argument("--now", type=float, help=argparse.SUPPRESS)  # a controlled clock, for tests
    log = commands.add_parser("audit", help="who viewed, exported or erased what, newest first")
    log.add_argument("--limit", type=int, default=50)
    return parser


def _subject(args: argparse.Namespace) -> Subject:
    for kind in KINDS:
        value = getattr(args, kind)
        if value is not None:
            return subject(kind, value)
    raise BadSubject("say who")


def _backend():
    """The shop's records, read only, to widen who the person is; None when unreachable."""
    try:
        from bot.shop.factory import backend_from_environment

        return backend_from_environment()
    except Exception:
        return None


def _print_report(stores: Dict[str, Dict[str, Any]], out: Callable[[str], None]) -> None:
    for store, removed in stores.items():
        out(f"  {store.replace('_', ' ')}: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in removed.items()))


async def _erase(args, places, engine, confirm: Callable[[str], str], out: Callable[[str], None]) -> int:
    from bot.privacy.erase import erase_located, locate, preview

    located = await locate(_subject(args), places, engine, _backend())
    found = preview(located, places)
    out(f"{found['subject']}: {found['conversations']} conversations, {found['cases']} cases, "
        f"{found['review_messages']} review sentences"
        + ("" if found["shop_records_read"] or located.subject.kind == "conversation" else
           " (the shop's records could not be read: only what names this value directly)"))
    if not (located.conversation_ids or located.case_ids or found["review_messages"]):
        out("Nothing is held about them.")
        audit.record(engine, audit.command_line_actor(), "erase", subject=located.subject, detail={"conversations": 0, "cases": 0})
        return 0
    if not args.yes and confirm("Erase all of it? This cannot be undone. [y/N] ").strip().lower() not in ("y", "yes"):
        out("Nothing was erased.")
        return 1
    report = await erase_located(located, places, engine, audit.command_line_actor())
    out("Erased:")
    _print_report(report["stores"], out)
    out("  shop records (orders, returns, incidents): not touched, they are the shop's")
    return 0


async def _export(args, places, engine, out: Callable[[str], None]) -> int:
    from bot.privacy.export import export

    document = await export(_subject(args), places, engine, audit.command_line_actor(), _backend())
    text = json.dumps(document, indent=1, ensure_ascii=False, default=str)
    if args.out:
        path = Path(args.out)
        path.touch(mode=0o600)  # it is the customer's data: only this user reads it
        path.write_text(text, "utf-8")
        out(f"{len(document['conversations'])} conversations, {len(document['cases'])} cases written to {path}")
    else:
        out(text)
    return 0


def _retain(args, places, engine, out: Callable[[str], None]) -> int:
    from bot.privacy import config, retention

    report = retention.apply(config.load(), places, engine, now=args.now, actor=audit.command_line_actor())
    out("Retention applied (shop/privacy.yml):")
    _print_report(report, out)
    return 0


def _audit(args, engine, out: Callable[[str], None]) -> int:
    for entry in audit.entries(engine, args.limit):
        at = datetime.fromtimestamp(entry["at"], timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
        what = entry["subject"] or (f"case {entry['case_id']}" if entry["case_id"] else "")
        out(f"{at}  {entry['actor']:<20} {entry['action']:<7} {what}")
    return 0


def main(argv: Optional[List[str]] = None, confirm: Callable[[str], str] = input, out: Callable[[str], None] = print) -> int:
    from bot.handoff import db

    args = _parser().parse_args(argv)
    places = places_module.from_environment()
    engine = db.make_engine(places.handoff_url)
    try:
        if args.action == "erase":
            return asyncio.run(_erase(args, places, engine, confirm, out))
        if args.action == "export":
            return asyncio.run(_export(args, places, engine, out))
        if args.action == "retain":
            return _retain(args, places, engine, out)
        return _audit(args, engine, out)
    except BadSubject as error:
        print(f"python -m bot privacy: {error}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
