"""Insights at shop scale (`python -m bench.insights_scale`, part of `make bench`): a year of
generated traffic (1,000,000 events by default, bench/insights_traffic.py) in Rasa's `events`
table and the handoff store's tables on PostgreSQL, in a database of its own that is dropped
afterwards. Then:

- backfill: `python -m bot insights backfill`'s rebuild of the rollups from those events, and of
  the shop's days built in advance (bot/insights/days.py);
- ingest: what the relay broker's feed adds per event, on top of those rollups: turns of new
  conversations fed as the production tracker store publishes them (a turn's events queued, the
  turn waits until they are folded);
- API: GET /api/insights for 90-day ranges across the year, over HTTP from the real web app
  (python -m bot.web, a supervisor's token): p50 and p95; the same figures as the tracker read
  (checked on one range), and how long that read takes (what every request cost before the rollups).

Writes bench/out/insights_scale.json. `--events 2000 --sqlite DIR --no-http` is the small run the
tests use.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import random
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple

import sqlalchemy as sa

from bench.insights_traffic import Generated, Traffic, event_rows, events_table, write_handoff, write_tracker
from bot.handoff import db, hours
from bot.insights import backfill, feed, metrics, reading, rollup_figures
from bot.insights import settings as insights_settings
from bot.settings import PROJECT_ROOT

OUT = PROJECT_ROOT / "bench" / "out" / "insights_scale.json"
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
TARGETS = {"api_p95_ms": 300.0, "ingest_ms_per_event": 1.0}
CHUNK_SESSIONS = 2000
PASSWORD = "insights-bench-supervisor-password"


def log(message: str) -> None:
    print(f"[insights-scale {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@contextmanager
def postgres_database() -> Iterator[str]:
    """A database of our own on the bench's PostgreSQL, dropped afterwards."""
    admin = sa.create_engine(POSTGRES_URL, future=True, isolation_level="AUTOCOMMIT")
    name = f"aurora_insights_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield str(sa.engine.make_url(POSTGRES_URL).set(database=name))
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def _copy_events(engine: sa.engine.Engine, sessions: List[Generated]) -> int:
    """PostgreSQL's COPY: the fast way to put a million rows in."""
    buffer, count = io.StringIO(), 0
    writer = csv.writer(buffer)
    for generated in sessions:
        for row in event_rows(generated):
            writer.writerow(row)
            count += 1
    buffer.seek(0)
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cursor:
            cursor.copy_expert("COPY events (sender_id, type_name, timestamp, intent_name, action_name, data) "
                               "FROM STDIN WITH (FORMAT csv)", buffer)
        raw.commit()
    finally:
        raw.close()
    return count


def load(tracker: sa.engine.Engine, handoff: sa.engine.Engine, traffic: Traffic, start: float, days: int,
         wanted: int) -> Dict[str, int]:
    """About `wanted` events of sessions spread over `days` days from `start`, written in chunks."""
    events_table(sa.MetaData()).metadata.create_all(tracker)
    per_session = 21  # measured on the generator: the first chunk corrects it
    events = sessions = cases = 0
    while events < wanted:
        count = max(1, min(CHUNK_SESSIONS, (wanted - events) // per_session + 1))
        span = days * count / max(1, wanted / per_session)
        chunk = list(traffic.sessions(start, span, count))
        start += span * 86400
        written = _copy_events(tracker, chunk) if tracker.dialect.name == "postgresql" else write_tracker(tracker, chunk)
        cases += write_handoff(handoff, chunk)
        events, sessions = events + written, sessions + len(chunk)
        per_session = max(1, events // sessions)
        if sessions % (10 * CHUNK_SESSIONS) < CHUNK_SESSIONS:
            log(f"{events:,} events written")
    settle(tracker)
    return {"events": events, "sessions": sessions, "cases": cases}


def settle(engine: sa.engine.Engine) -> None:
    """VACUUM ANALYZE, as PostgreSQL's autovacuum does on its own after a bulk load: the planner's
    row counts and the visibility map (index-only scans) of a store that has been running."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")


def turns(generated: Generated) -> List[List[dict]]:
    """A session's events cut where the customer writes: what one turn publishes together."""
    cut: List[List[dict]] = [[]]
    for event in generated.events:
        if event["event"] == "user" and cut[-1] and any(e["event"] == "user" for e in cut[-1]):
            cut.append([])
        cut[-1].append(dict(event, sender_id=generated.sender_id))
    return cut


def measure_ingest(handoff_url: str, traffic: Traffic, start: float, sessions: int) -> Dict[str, float]:
    """Turns of `sessions` new conversations through the relay's feed, each waited for."""
    engine = db.make_engine(handoff_url)
    rollup_feed = feed.RollupFeed(lambda: engine, "es")
    every = [turn for generated in traffic.sessions(start, 1, sessions) for turn in turns(generated)]
    per_turn: List[float] = []
    events = 0
    try:
        for turn in every:
            began = time.perf_counter()
            futures = [rollup_feed.add(event) for event in turn]
            futures[-1].result(timeout=30)
            per_turn.append((time.perf_counter() - began) * 1000)
            events += len(turn)
    finally:
        rollup_feed.close()
        engine.dispose()
    return {"ingest_events": events, "ingest_turns": len(every),
            "ingest_ms_per_event": round(sum(per_turn) / events, 3),
            "ingest_turn_p50_ms": round(metrics.percentile(per_turn, 0.5), 2),
            "ingest_turn_p95_ms": round(metrics.percentile(per_turn, 0.95), 2)}


def ranges(first_day: date, days: int, range_days: int, count: int, seed: int = 90) -> List[Tuple[str, str]]:
    rng = random.Random(seed)
    found = []
    for _ in range(count):
        begin = first_day + timedelta(days=rng.randrange(max(1, days - range_days)))
        found.append((begin.isoformat(), (begin + timedelta(days=range_days - 1)).isoformat()))
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _request(url: str, body: Optional[dict] = None, token: Optional[str] = None) -> dict:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=json.dumps(body).encode() if body is not None else None,
                                     method="POST" if body is not None else "GET", headers=headers)
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


@contextmanager
def web_app(handoff_url: str, tracker_url: str, workdir: Path) -> Iterator[Tuple[str, str]]:
    """The real web app on these stores, and a supervisor's token."""
    port = _free_port()
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT), HANDOFF_DATABASE_URL=handoff_url, TRACKER_STORE_URL=tracker_url,
               WEB_PORT=str(port), AGENT_PASSWORD=PASSWORD)
    subprocess.run([sys.executable, "-m", "bot", "agent", "bench", "--role", "supervisor"], cwd=PROJECT_ROOT, env=env,
                   check=True, capture_output=True)
    with open(workdir / "web.log", "w") as out:
        process = subprocess.Popen([sys.executable, "-m", "bot.web"], cwd=PROJECT_ROOT, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                token = _request(f"{base}/api/auth/login", {"username": "bench", "password": PASSWORD})["token"]
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"the web app didn't start: {(workdir / 'web.log').read_text()[-2000:]}")
                time.sleep(0.2)
        yield base, token, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure_api(base: str, token: str, spans: List[Tuple[str, str]], pid: int) -> Tuple[Dict[str, float], dict]:
    """Wall time per request, and the web app's own CPU time per request (what the machine's
    other work doesn't change)."""
    for first, last in spans[:3]:  # warm up: connections, imports, the planner's caches
        _request(f"{base}/api/insights?from={first}&to={last}", token=token)
    timings, figures, cpu_before = [], {}, _cpu_seconds(pid)
    for first, last in spans:
        began = time.perf_counter()
        figures = _request(f"{base}/api/insights?from={first}&to={last}", token=token)
        timings.append((time.perf_counter() - began) * 1000)
    return {"api_requests": len(timings), "api_web_cpu_ms_per_request": round(1000 * (_cpu_seconds(pid) - cpu_before) / len(timings), 1),
            "api_p50_ms": round(metrics.percentile(timings, 0.5), 1),
            "api_p95_ms": round(metrics.percentile(timings, 0.95), 1), "api_max_ms": round(max(timings), 1),
            "api_conversations_per_range": figures.get("conversations")}, figures


def measure_in_process(engine, tracker_url: str, spans: List[Tuple[str, str]], rollup: bool) -> Tuple[Dict[str, float], dict]:
    """The figures of each range worked out here (no HTTP): from the rollups as the API does, or
    from the tracker's events as every request did before them."""
    settings, timings, figures = insights_settings.InsightsSettings(), [], {}
    shop_timezone = hours.load_config().timezone  # the shop's days, as the API's: those the backfill built
    for first, last in spans:
        win = reading.window(first, last, shop_timezone)
        began = time.perf_counter()
        if rollup:
            figures = rollup_figures.kpis(engine, win, settings)
        else:
            figures = metrics.kpis(reading.read(engine, tracker_url, win, "es"), settings)
        timings.append((time.perf_counter() - began) * 1000)
    prefix = "kpis_rollups" if rollup else "kpis_tracker_events"
    return {f"{prefix}_p50_ms": round(metrics.percentile(timings, 0.5), 1),
            f"{prefix}_p95_ms": round(metrics.percentile(timings, 0.95), 1)}, figures


def run(events: int, days: int, range_days: int, requests: int, handoff_url: str, tracker_url: str,
        workdir: Path, http: bool = True, compare: bool = True) -> Dict[str, float]:
    figures: Dict[str, float] = {"events_wanted": events, "days": days, "range_days": range_days}
    first_day = date.today() - timedelta(days=days + 2)
    start = datetime.combine(first_day, datetime.min.time(), timezone.utc).timestamp()
    traffic = Traffic(seed=15, customers=max(50, events // 50))
    handoff, tracker = db.make_engine(handoff_url), sa.create_engine(tracker_url, future=True)
    try:
        began = time.monotonic()
        figures.update(load(tracker, handoff, traffic, start, days, events))
        figures["load_s"] = round(time.monotonic() - began, 1)
        log(f"{figures['events']:,} events, {figures['sessions']:,} sessions, {figures['cases']:,} cases in {figures['load_s']} s")

        done = backfill.rebuild(handoff, tracker_url, "es")
        settle(handoff)
        figures.update(backfill_s=done["seconds"], backfill_events_per_s=round(done["events"] / max(done["seconds"], 0.1)),
                       conversations=done["conversations"], days_built=done["days"])
        log(f"backfill: {done['conversations']:,} conversations in {done['seconds']} s")

        figures.update(measure_ingest(handoff_url, traffic, start + (days + 1) * 86400, max(20, min(1000, events // 400))))
        log(f"ingest: {figures['ingest_ms_per_event']} ms per event ({figures['ingest_events']:,} events)")

        spans = ranges(first_day, days, range_days, requests)
        timed, from_rollups = measure_in_process(handoff, tracker_url, spans, rollup=True)
        figures.update(timed)
        if http:
            figures["loadavg_before_api"] = round(os.getloadavg()[0], 2)
            with web_app(handoff_url, tracker_url, workdir) as (base, token, pid):
                timed, over_http = measure_api(base, token, spans, pid)
            figures.update(timed)
            log(f"API: 90-day range p50 {figures['api_p50_ms']} ms, p95 {figures['api_p95_ms']} ms")
        if compare:  # the tracker read: as every request cost before the rollups; and the same figures
            timed, direct = measure_in_process(handoff, tracker_url, spans[-3:], rollup=False)
            figures.update(timed)
            figures["same_figures_as_tracker_read"] = direct == from_rollups
            log(f"tracker read of a range: p50 {figures['kpis_tracker_events_p50_ms']} ms; same figures: {direct == from_rollups}")
    finally:
        handoff.dispose()
        tracker.dispose()
    return figures


def report(figures: Dict[str, float]) -> str:
    lines = []
    for key, value in figures.items():
        target = ""
        if key in TARGETS:
            target = f"  target ≤ {TARGETS[key]:g}: {'met' if value <= TARGETS[key] else 'MISSED'}"
        lines.append(f"{key:<32}{value!s:>14}{target}")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.insights_scale")
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=365, help="the traffic's span")
    parser.add_argument("--range-days", type=int, default=90)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--sqlite", metavar="DIR", help="SQLite files in DIR instead of PostgreSQL (a small run)")
    parser.add_argument("--no-http", action="store_true", help="read in this process, no web app")
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args(argv)

    workdir = Path(args.sqlite) if args.sqlite else PROJECT_ROOT / "var" / "bench"
    workdir.mkdir(parents=True, exist_ok=True)
    common = dict(events=args.events, days=args.days, range_days=args.range_days, requests=args.requests,
                  workdir=workdir, http=not args.no_http)
    if args.sqlite:
        figures = run(handoff_url=f"sqlite:///{workdir / 'handoff.db'}", tracker_url=f"sqlite:///{workdir / 'tracker.db'}",
                      **common)
    else:
        with postgres_database() as url:
            figures = run(handoff_url=url, tracker_url=url, **common)
    figures.update(backend="sqlite" if args.sqlite else "postgresql", cpus=os.cpu_count(),
                   python=platform.python_version(), loadavg_at_end=round(os.getloadavg()[0], 2),
                   measured_at=time.strftime("%Y-%m-%d %H:%M:%S"))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2))
    print(report(figures))
    print(f"\nwritten to {out}")
    return 0 if figures.get("same_figures_as_tracker_read", True) else 1


if __name__ == "__main__":
    sys.exit(main())
