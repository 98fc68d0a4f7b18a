"""`make loadtest`: the production layout on this machine, under load, through faults.

Two Rasa replicas and two action servers on loopback behind nginx (REST round-robin, socket.io
sticky by client), sharing PostgreSQL (a server of the test's own, so it can be restarted),
Redis (lock store, a key prefix of its own) and RabbitMQ (a queue of its own). N conversations
of 10 turns each (es/en/pt: greetings, FAQs, the verified order status) play at once while:

1. one Rasa replica is killed (SIGKILL), later started again;
2. one action server is killed (SIGKILL);
3. PostgreSQL is restarted.

A client whose turn fails (a replica died under it: nginx answers 502) sends it again with the
same message_id and "retry": true, as a channel would; the REST channel never processes one
message twice. Afterwards every conversation's tracker in PostgreSQL must hold each user
message exactly once, in the order sent, each followed by a reply, and RabbitMQ must have
received every stored event. Prints turns, errors, p50/p99 overall and during each fault.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from bench import load, stack
from bot.settings import PROJECT_ROOT

OUT = PROJECT_ROOT / "bench" / "out" / "loadtest.json"
FAULT_WINDOW_S = 20.0
MIN_GAP_S = 6.0


@dataclass
class Layout:
    nginx: int
    nginx_actions: int
    rasa: Tuple[int, int]
    actions: Tuple[int, int]
    postgres: int


DEFAULT_LAYOUT = Layout(nginx=22300, nginx_actions=22301, rasa=(22305, 22306), actions=(22355, 22356), postgres=22432)
SMOKE_LAYOUT = Layout(nginx=23300, nginx_actions=23301, rasa=(23305, 23306), actions=(23355, 23356), postgres=23432)


@dataclass
class Fault:
    name: str
    at_fraction: float
    started: float = 0.0
    ended: float = 0.0
    note: str = ""


@dataclass
class Cluster:
    layout: Layout
    workdir: Path
    env: Dict[str, str]
    actions: List[stack.Process] = field(default_factory=list)
    rasa: List[stack.Process] = field(default_factory=list)
    nginx: Optional[stack.Process] = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.layout.nginx}/webhooks/rest/webhook"

    def start_rasa(self, index: int) -> stack.Process:
        port = self.layout.rasa[index]
        process = stack.rasa_server(port, f"http://127.0.0.1:{self.layout.nginx_actions}/webhook", self.workdir, **self.env)
        if index < len(self.rasa):
            self.rasa[index] = process
        else:
            self.rasa.append(process)
        return process

    def start(self) -> float:
        started = time.monotonic()
        for port in self.layout.actions:
            self.actions.append(stack.action_server(port, self.workdir, **self.env))
        for index in range(len(self.layout.rasa)):
            self.start_rasa(index)
        self.nginx = stack.nginx(self.workdir, self.layout.nginx, self.layout.nginx_actions,
                                 list(self.layout.rasa), list(self.layout.actions))
        urls = [stack.rasa_status_url(p) for p in self.layout.rasa] + [f"http://127.0.0.1:{p}/health" for p in self.layout.actions]
        stack.wait_for(urls + [f"http://127.0.0.1:{self.layout.nginx}/"], self.actions + self.rasa + [self.nginx], timeout=600)
        return time.monotonic() - started

    def stop(self) -> None:
        for process in self.rasa + self.actions + ([self.nginx] if self.nginx else []):
            process.stop()


def _events_in_postgres(tracker_url: str) -> Dict[str, List[dict]]:
    import sqlalchemy as sa

    engine = sa.create_engine(tracker_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT sender_id, data FROM events ORDER BY id")).fetchall()
    finally:
        engine.dispose()
    events: Dict[str, List[dict]] = defaultdict(list)
    for sender_id, data in rows:
        events[sender_id].append(json.loads(data))
    return events


def verify(result: load.Result, tracker_url: str, queue: str) -> Dict[str, object]:
    """Exactly once, in order, each followed by a reply; every stored event reached RabbitMQ."""
    stored = _events_in_postgres(tracker_url)
    sent: Dict[str, List[load.Turn]] = defaultdict(list)
    for turn in sorted(result.turns, key=lambda t: (t.sender, t.index)):
        sent[turn.sender].append(turn)
    problems: List[str] = []
    for sender, turns in sent.items():
        events = stored.get(sender, [])
        user_ids = [e.get("message_id") for e in events if e.get("event") == "user"]
        expected = [t.message_id for t in turns if not t.error]
        if user_ids != expected:
            duplicated = len(user_ids) - len(set(user_ids))
            missing = len(set(expected) - set(user_ids))
            problems.append(f"{sender}: {len(user_ids)} user messages stored for {len(expected)} sent "
                            f"({duplicated} duplicated, {missing} missing, order {'kept' if sorted(user_ids) == sorted(expected) else 'differs'})")
        for position, event in enumerate(events):
            if event.get("event") != "user":
                continue
            following = []
            for later in events[position + 1:]:
                if later.get("event") == "user":
                    break
                following.append(later)
            if not any(e.get("event") == "bot" for e in following):
                problems.append(f"{sender}: message {event.get('message_id')} has no reply stored")
    published = stack.drain_queue(queue)
    published_keys = defaultdict(int)
    for message in published:
        published_keys[(message.get("sender_id"), message.get("event"), message.get("timestamp"))] += 1
    stored_keys = defaultdict(int)
    for sender, events in stored.items():
        for event in events:
            stored_keys[(sender, event.get("event"), event.get("timestamp"))] += 1
    not_published = sum(max(0, n - published_keys.get(k, 0)) for k, n in stored_keys.items())
    missing = [(k, n - published_keys.get(k, 0)) for k, n in stored_keys.items() if n > published_keys.get(k, 0)]
    missing_by_sender: Dict[str, int] = defaultdict(int)
    for (sender, _, _), n in missing:
        missing_by_sender[sender] += n
    missing_times = sorted(k[2] for k, _ in missing if k[2])
    # at least once: a replica killed after RabbitMQ confirmed a turn's events but before it
    # marked them published sends them again with the conversation's next turn
    duplicates = sum(n - stored_keys[k] for k, n in published_keys.items() if k in stored_keys and n > stored_keys[k])
    not_stored = sum(n for k, n in published_keys.items() if k not in stored_keys)
    return {
        "conversations": len(sent), "stored_events": sum(stored_keys.values()), "published_events": len(published),
        "events_not_published": not_published, "events_published_but_not_stored": not_stored,
        "events_published_twice": duplicates,
        "missing_by_sender": dict(missing_by_sender),
        "missing_time_range": [missing_times[0], missing_times[-1]] if missing_times else [],
        "conversation_problems": problems[:20], "conversations_with_problems": len({p.split(':')[0] for p in problems}),
    }


async def _faults(cluster: Cluster, postgres: stack.PrivatePostgres, result: load.Result, total_turns: int,
                  faults: List[Fault]) -> None:
    loop = asyncio.get_running_loop()
    previous_end = 0.0
    for fault in faults:
        # at its share of the turns, and never sooner than MIN_GAP_S after the previous fault
        while len(result.turns) < fault.at_fraction * total_turns or time.perf_counter() < previous_end + MIN_GAP_S:
            await asyncio.sleep(0.1)
        fault.started = time.perf_counter()
        if fault.name == "kill rasa replica":
            victim = cluster.rasa[0]
            victim.kill(signal.SIGKILL)
            fault.note = f"SIGKILL Rasa on :{cluster.layout.rasa[0]} (pid {victim.pid})"
        elif fault.name == "restart rasa replica":
            process = cluster.start_rasa(0)
            await loop.run_in_executor(None, lambda: stack.wait_for([stack.rasa_status_url(cluster.layout.rasa[0])], [process], timeout=300))
            fault.note = f"Rasa on :{cluster.layout.rasa[0]} back after {time.perf_counter() - fault.started:.1f} s"
        elif fault.name == "kill action server":
            victim = cluster.actions[0]
            victim.kill(signal.SIGKILL)
            fault.note = f"SIGKILL action server on :{cluster.layout.actions[0]} (pid {victim.pid})"
        elif fault.name == "restart postgresql":
            await loop.run_in_executor(None, postgres.restart)
            fault.note = f"pg_ctl restart -m fast took {time.perf_counter() - fault.started:.1f} s"
        fault.ended = previous_end = time.perf_counter()
        stack.log(f"fault: {fault.name}: {fault.note}")


def _window_figures(result: load.Result, start: float, seconds: float) -> Dict[str, float]:
    window = [t for t in result.turns if start <= t.started <= start + seconds]
    ms = [t.ms for t in window if not t.error]
    return {"turns": len(window), "errors": sum(1 for t in window if t.error),
            "retried": sum(1 for t in window if t.attempts > 1),
            "p50_ms": round(load.percentile(ms, 50), 1), "p99_ms": round(load.percentile(ms, 99), 1)}


async def _play(cluster: Cluster, postgres: stack.PrivatePostgres, conversations: int, faults: List[Fault],
                think_s: float) -> load.Result:
    senders = [f"load-{i}" for i in range(conversations)]
    result = load.Result()  # filled as turns finish: the fault schedule follows it
    await asyncio.gather(
        load.run_conversations(cluster.url, senders, conversations, timeout_s=90, retry_for_s=120,
                               languages_metadata=True, think_s=think_s, result=result),
        _faults(cluster, postgres, result, conversations * 10, faults),
    )
    return result


def run(conversations: int, layout: Layout, think_s: float = 0.5, label: str = "load") -> Dict[str, object]:
    workdir = stack.RUN_DIR / label
    postgres = stack.PrivatePostgres(layout.postgres).start()
    cluster: Optional[Cluster] = None
    try:
        with stack.services(label, pg_admin_url=postgres.admin_url) as services:
            from bot.shop.seed import seed_demo_shop

            seed_demo_shop(services.shop_url, date.today(), PROJECT_ROOT / "shop" / "demo_shop.json")
            env = dict(services.env(), TICKET_LOCK_LIFETIME="10", TRACKER_STORE_RETRY_S="60",
                       SQLALCHEMY_SILENCE_UBER_WARNING="1")
            cluster = Cluster(layout, workdir, env)
            ready_s = cluster.start()
            stack.log(f"{label}: 2 Rasa replicas, 2 action servers, nginx on :{layout.nginx} ready in {ready_s:.1f} s")
            faults = [Fault("kill rasa replica", 0.2), Fault("restart rasa replica", 0.35),
                      Fault("kill action server", 0.5), Fault("restart postgresql", 0.7)]
            started = time.perf_counter()
            wall_started = time.time()
            result = asyncio.run(_play(cluster, postgres, conversations, faults, think_s))
            stack.log(f"{label}: {len(result.turns)} turns in {result.wall_s:.1f} s; verifying")
            checks = verify(result, services.tracker_url, services.rabbitmq_queue)
            from bench.socketio_check import check as socketio_check

            # the widget's transport through nginx: long-polling needs the sticky upstream
            checks["socketio_sessions_ok"] = socketio_check(f"http://127.0.0.1:{layout.nginx}", sessions=4)
            checks["socketio_sessions"] = 4
            figures: Dict[str, object] = {
                "conversations": conversations, "ready_s": round(ready_s, 1), **result.figures(),
                "retried_turns": sum(1 for t in result.turns if t.attempts > 1),
                "wall_s": round(time.perf_counter() - started, 1), **checks,
                "faults": {f.name: dict(_window_figures(result, f.started, FAULT_WINDOW_S), note=f.note) for f in faults},
                "error_samples": [f"{t.sender}#{t.index}: {t.error}" for t in result.errors[:10]],
                "load_started_at": wall_started,
                "fault_times_s": {f.name: round(f.started - started, 1) for f in faults},
                "slowest_turns": [
                    {"sender": t.sender, "turn": t.index, "text": t.text, "started_s": round(t.started - started, 1),
                     "ms": round(t.ms), "attempts": t.attempts, "history": t.history}
                    for t in sorted(result.turns, key=lambda t: -t.ms)[:12]
                ],
            }
            return figures
    finally:
        if cluster:
            cluster.stop()
        postgres.stop()


def passed(figures: Dict[str, object]) -> bool:
    return (figures["errors"] == 0 and figures["conversations_with_problems"] == 0
            and figures["events_not_published"] == 0 and figures["events_published_but_not_stored"] == 0)


def print_report(figures: Dict[str, object]) -> None:
    print(f"\nconversations {figures['conversations']} x 10 turns through nginx, 2 Rasa replicas, 2 action servers")
    print(f"turns served {figures['turns']}, errors {figures['errors']}, retried by the client {figures['retried_turns']}, "
          f"throughput {figures['throughput_tps']} turns/s, p50 {figures['turn_p50_ms']} ms, p99 {figures['turn_p99_ms']} ms")
    for name, window in figures["faults"].items():
        print(f"  {name:<22} next {FAULT_WINDOW_S:.0f} s: {window['turns']} turns, {window['errors']} errors, "
              f"{window['retried']} retried, p50 {window['p50_ms']} ms, p99 {window['p99_ms']} ms  ({window['note']})")
    print(f"trackers in PostgreSQL: {figures['conversations_with_problems']} conversations with a lost, duplicated, "
          f"reordered or unanswered message")
    print(f"RabbitMQ: {figures['published_events']} events received for {figures['stored_events']} stored; "
          f"{figures['events_not_published']} stored events missing, {figures['events_published_but_not_stored']} never stored, "
          f"{figures['events_published_twice']} sent twice (at least once: consumers de-duplicate by sender_id + timestamp)")
    print(f"socket.io over long-polling through nginx: {figures['socketio_sessions_ok']} of "
          f"{figures['socketio_sessions']} sessions got every reply")
    for problem in figures["conversation_problems"]:
        print(f"  {problem}")
    for sample in figures["error_samples"]:
        print(f"  error: {sample}")
    print("PASSED" if passed(figures) else "FAILED")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.loadtest")
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--think", type=float, default=10.0, help="mean pause between a reply and the next message (s)")
    args = parser.parse_args(argv)
    figures = run(args.conversations, DEFAULT_LAYOUT, args.think)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(figures, indent=2))
    print_report(figures)
    print(f"written to {OUT}")
    return 0 if passed(figures) else 1


if __name__ == "__main__":
    sys.exit(main())
