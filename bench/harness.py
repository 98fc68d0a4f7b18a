"""`make bench`: our bot and Rasa's stock `rasa init` pipeline and policies (trained on the same
data), served the same way in the same run, measured side by side.

Both run the production configuration on this machine: PostgreSQL tracker store, Redis lock
store, RabbitMQ event broker, SANIC_WORKERS (default 2), the same action server and shop
database. Only the model and our server-side changes (bot/rasa_ext/: the server's patches, the tracker store)
differ; stock runs plain `rasa run` with Rasa's own SQL tracker store.

Figures per system: ready_s (start to both servers answering), parse p50/p95/p99 (/model/parse),
REST turn p50/p95/p99 at concurrency 1, 8 and 32 over distinct conversations (es/en/pt, FAQs,
the verified order status: a custom-action turn, reported apart as action_turn_p50), throughput
at the best concurrency, resident memory of each process, CPU ms per turn, training time.
Writes bench/out/latest.json {"ours": {...}, "stock": {...}, "ratio": {...}}.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Dict, List

import yaml

from bench import load, stack
from bench.stock_model import ensure_stock_model
from bot.settings import PROJECT_ROOT

OUT = PROJECT_ROOT / "bench" / "out" / "latest.json"
PORTS = {"ours": (22005, 22055), "stock": (22105, 22155)}
CONVERSATIONS = {1: 24, 8: 48, 32: 96}  # distinct conversations of 10 turns per concurrency
TARGETS = {  # (figure, comparison, limit)
    "ready_s": ("<=", 30), "turn_p50_ms_c1": ("<=", 25), "turn_p99_ms_c1": ("<=", 60),
    "throughput_tps": (">=", 80), "rasa_rss_mb": ("<=", 1024),
    "train_s_cold": ("<=", 180), "encoder_p50_ms": ("<=", 5),
}


def _cpu_seconds(pids: List[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except OSError:
            pass
    return total / os.sysconf("SC_CLK_TCK")


def parse_texts(limit: int = 240) -> List[str]:
    texts: List[str] = []
    for language in ("es", "en", "pt"):
        data = yaml.safe_load((PROJECT_ROOT / "tests" / "nlu" / f"{language}.yml").read_text("utf-8"))
        for block in data.get("nlu", []):
            for line in str(block.get("examples", "")).splitlines():
                line = line.strip()
                if line.startswith("- "):
                    texts.append(line[2:])
    step = max(1, len(texts) // limit)
    return texts[::step][:limit]


def train_ours_from_scratch() -> Dict[str, float]:
    """Seconds to train from nothing (no sentence-embedding cache: every example encoded), then
    again as an editor's retrain does (the cache filled)."""
    from bot.nlu.sentence_encoder import CACHE_FILE

    cache = PROJECT_ROOT / "var" / "cache" / CACHE_FILE
    aside = cache.with_suffix(".bench-aside")
    if cache.is_file():
        cache.replace(aside)
    try:
        cold = _timed_rasa_train()
    finally:
        if aside.is_file():
            aside.replace(cache) if not cache.is_file() else aside.unlink()
    return {"train_s_cold": cold, "train_s": _timed_rasa_train()}


def _timed_rasa_train() -> float:
    with tempfile.TemporaryDirectory() as out:
        started = time.monotonic()
        subprocess.run([str(Path(sys.executable).parent / "rasa"), "train", "--force", "--out", out, "--quiet"],
                       cwd=PROJECT_ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return round(time.monotonic() - started, 1)


def encoder_latencies(texts: List[str]) -> Dict[str, float]:
    """What the sentence encoder adds to one parse: each text encoded alone, in this process."""
    from bot.nlu.sentence_encoder import _clipped, encoder

    encode = encoder().encode
    encode(["warm up"])
    timings = []
    for text in texts:
        started = time.perf_counter()
        encode([_clipped(text)])
        timings.append(1000 * (time.perf_counter() - started))
    return {f"encoder_p{p}_ms": round(load.percentile(timings, p), 2) for p in (50, 95, 99)}


def newest_model() -> str:
    from bot.editor.in_service import model_in_service

    model = model_in_service(PROJECT_ROOT / "models")
    if model is None:
        raise SystemExit("no trained model in models/: run `make train`")
    return str(model)


def measure(label: str, model: str, workers: int, scale: float = 1.0, profile: bool = True) -> Dict[str, float]:
    rasa_port, actions_port = PORTS[label]
    workdir = stack.RUN_DIR / f"bench-{label}"
    figures: Dict[str, float] = {"workers": workers}
    with stack.services(f"bench{label}") as services:
        from bot.shop.seed import seed_demo_shop

        env = services.env()
        seed_demo_shop(services.shop_url, date.today(), PROJECT_ROOT / "shop" / "demo_shop.json")
        actions = stack.action_server(actions_port, workdir, **env)
        rasa = stack.rasa_server(rasa_port, f"http://127.0.0.1:{actions_port}/webhook", workdir, model=model,
                                 workers=workers, stock=label == "stock", **env)
        try:
            figures["ready_s"] = round(stack.wait_for(
                [stack.rasa_status_url(rasa_port), f"http://127.0.0.1:{actions_port}/health"], [actions, rasa],
                timeout=600, in_a_row=4 * workers), 1)
            stack.log(f"{label}: ready in {figures['ready_s']} s")
            url = f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook"
            asyncio.run(load.run_conversations(url, [f"warm-{label}-{i}" for i in range(3 * workers)], workers))

            parse_ms = asyncio.run(load.parse_latencies(f"http://127.0.0.1:{rasa_port}", stack.TOKEN, parse_texts()))
            for p in (50, 95, 99):
                figures[f"parse_p{p}_ms"] = round(load.percentile(parse_ms, p), 1)

            best = 0.0
            for concurrency, conversations in CONVERSATIONS.items():
                senders = [f"{label}-c{concurrency}-{i}" for i in range(max(concurrency, int(conversations * scale)))]
                pids = [rasa.pid] + stack.children(rasa.pid)
                cpu_before = _cpu_seconds(pids)
                result = asyncio.run(load.run_conversations(url, senders, concurrency, timeout_s=60))
                figures.update(result.figures(f"_c{concurrency}"))
                if concurrency == 1:
                    figures["rasa_cpu_ms_per_turn"] = round(1000 * (_cpu_seconds(pids) - cpu_before) / len(result.turns), 1)
                tps = figures[f"throughput_tps_c{concurrency}"]
                if tps > best:
                    best, figures["best_concurrency"] = tps, concurrency
                stack.log(f"{label}: c{concurrency} {result.figures()}")
            figures["throughput_tps"] = best
            if profile:
                from bench.profile import record

                senders = [f"{label}-profile-{i}" for i in range(6)]
                summary = record(rasa.pid, OUT.parent / f"profile-{label}.txt",
                                 lambda: asyncio.run(load.run_conversations(url, senders, 1)))
                figures["profile_stages_pct"] = summary["stages_pct"]
                stack.log(f"{label}: profile written to {summary['file']}")
            rss = stack.process_tree_rss(rasa.pid)
            figures["rss_mb"] = figures["rasa_rss_mb"] = rss["max_mb"]
            figures["rasa_rss_total_mb"] = rss["total_mb"]
            figures["rasa_processes"] = rss["processes"]
            figures["actions_rss_mb"] = round(stack.rss_mb(actions.pid), 1)
        except Exception:
            print(rasa.tail(), file=sys.stderr)
            raise
        finally:
            rasa.stop()
            actions.stop()
    return figures


def _check(value: float, comparison: str, limit: float) -> str:
    ok = value <= limit if comparison == "<=" else value >= limit
    return "met" if ok else "MISSED"


def report(results: Dict[str, Dict[str, float]]) -> str:
    ours, stock = results["ours"], results.get("stock") or {}
    keys = ["train_s_cold", "train_s", "encoder_p50_ms", "encoder_p99_ms", "ready_s", "parse_p50_ms", "parse_p95_ms", "parse_p99_ms",
            "turn_p50_ms_c1", "turn_p95_ms_c1", "turn_p99_ms_c1", "action_turn_p50_ms_c1",
            "turn_p50_ms_c8", "turn_p99_ms_c8", "turn_p50_ms_c32", "turn_p99_ms_c32",
            "throughput_tps_c1", "throughput_tps_c8", "throughput_tps_c32", "throughput_tps", "best_concurrency",
            "errors_c1", "errors_c8", "errors_c32", "rasa_cpu_ms_per_turn",
            "rasa_rss_mb", "rasa_rss_total_mb", "actions_rss_mb", "workers"]
    lines = [f"{'figure':<24}{'ours':>10}{'stock':>10}{'stock/ours':>12}  target"]
    for key in keys:
        a, b = ours.get(key), stock.get(key)
        ratio = f"{b / a:.2f}" if isinstance(a, (int, float)) and isinstance(b, (int, float)) and a else ""
        target = ""
        if key in TARGETS:
            comparison, limit = TARGETS[key]
            target = f"{comparison} {limit}: {_check(a, comparison, limit)}" if a is not None else ""
        lines.append(f"{key:<24}{'' if a is None else a:>10}{'' if b is None else b:>10}{ratio:>12}  {target}")
    if stock:
        lines.append("")
        for key, how, need in (("turn_p50_ms_c1", "stock/ours", "latency ≤ half of stock"),
                               ("turn_p99_ms_c1", "stock/ours", "latency ≤ half of stock"),
                               ("throughput_tps", "ours/stock", "throughput ≥ 2× stock")):
            ratio = results["ratio"][key]
            lines.append(f"{key:<24} {how} = {ratio:.2f}  ({need}: {'met' if ratio >= 2 else 'MISSED'})")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--skip-stock", action="store_true", help="only our bot (no baseline)")
    parser.add_argument("--no-train", action="store_true", help="skip training ours from scratch")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", "2")))
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the conversations to play")
    parser.add_argument("--no-profile", action="store_true", help="skip the py-spy profile of each server")
    args = parser.parse_args(argv)

    results: Dict[str, Dict[str, float]] = {}
    stock_model = None if args.skip_stock else ensure_stock_model(log=stack.log)
    ours_train = None if args.no_train else train_ours_from_scratch()
    results["ours"] = measure("ours", newest_model(), args.workers, args.scale, not args.no_profile)
    if ours_train is not None:
        results["ours"].update(ours_train)
    results["ours"].update(encoder_latencies(parse_texts()))
    if stock_model:
        results["stock"] = measure("stock", stock_model["model"], args.workers, args.scale, not args.no_profile)
        results["stock"]["train_s"] = stock_model["train_s"]
        results["stock"]["train_cached"] = stock_model["cached"]
        results["ratio"] = {
            "turn_p50_ms_c1": round(results["stock"]["turn_p50_ms_c1"] / results["ours"]["turn_p50_ms_c1"], 2),
            "turn_p99_ms_c1": round(results["stock"]["turn_p99_ms_c1"] / results["ours"]["turn_p99_ms_c1"], 2),
            "throughput_tps": round(results["ours"]["throughput_tps"] / results["stock"]["throughput_tps"], 2),
        }
    results["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version(),
                          "loadavg_at_end": os.getloadavg()[0], "measured_at": time.strftime("%Y-%m-%d %H:%M:%S")}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2))
    print(report(results))
    for label in ("ours", "stock"):
        stages = results.get(label, {}).get("profile_stages_pct")
        if stages:
            print(f"\nwhere {label} spends a turn (py-spy, bench/out/profile-{label}.txt):")
            for name, pct in stages.items():
                print(f"  {pct:5.1f}%  {name}")
    print(f"\nwritten to {OUT}")
    return 0
