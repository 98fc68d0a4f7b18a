"""`make bench`: the speed figures of the README, measured on this machine.

- training time from scratch (`rasa train --force` into a scratch folder),
- time from `python -m bot run` to both servers answering,
- REST turn latency p50/p95/p99 at concurrency 1, over many distinct conversations mixing
  greetings, FAQs in three languages and the order form,
- resident memory of the Rasa server and the action server.
Writes bench/out/quick.json. (The full side-by-side harness with stock Rasa is issue 8's.)
"""
from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Dict, List

from bot.settings import PROJECT_ROOT

OUT = PROJECT_ROOT / "bench" / "out" / "quick.json"
RASA_PORT, ACTIONS_PORT, WEB_PORT = 15105, 15155, 15180
CONVERSATION = [
    "hola", "cuánto cuesta el envío a Portugal?", "where is my order", "100410", "tom.baker@example.org",
    "obrigado", "qual é a garantia?", "can I return swimwear?", "quiero hablar con una persona", "adiós",
]


def percentile(values: List[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def train_from_scratch() -> float:
    with tempfile.TemporaryDirectory() as out:
        started = time.monotonic()
        subprocess.run([str(Path(sys.executable).parent / "rasa"), "train", "--force", "--out", out, "--quiet"],
                       cwd=PROJECT_ROOT, check=True, stdout=subprocess.DEVNULL)
        return time.monotonic() - started


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _children(pid: int) -> List[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(c) for c in path.read_text().split()] if path.exists() else []


def _post(sender: str, text: str) -> float:
    body = json.dumps({"sender": sender, "message": text}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{RASA_PORT}/webhooks/rest/webhook", body, {"Content-Type": "application/json"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200 and json.loads(response.read())
    return (time.perf_counter() - started) * 1000


def serve_and_measure(conversations: int) -> Dict[str, float]:
    env = dict(os.environ, RASA_PORT=str(RASA_PORT), ACTIONS_PORT=str(ACTIONS_PORT), WEB_PORT=str(WEB_PORT),
               RASA_AUTH_TOKEN="bench", TRACKER_DB=str(Path(tempfile.mkdtemp()) / "bench.db"))
    started = time.monotonic()
    launcher = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=PROJECT_ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        for line in launcher.stdout:
            if "Aurora bot ready" in line:
                break
        else:
            raise RuntimeError("the bot did not start")
        ready_s = time.monotonic() - started
        for text in CONVERSATION:  # warm-up conversation, not measured
            _post("warm-up", text)
        latencies = [_post(f"bench-{n}", text) for n in range(conversations) for text in CONVERSATION]
        memory = {}
        for pid in _children(launcher.pid):
            command = Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")
            process = "actions" if "rasa_sdk" in command else "web" if "bot.web" in command else "rasa"
            memory[f"{process}_rss_mb"] = round(_rss_mb(pid))
        return {
            "ready_s": round(ready_s, 1), "turns": len(latencies),
            "turn_p50_ms_c1": round(statistics.median(latencies), 1),
            "turn_p95_ms_c1": round(percentile(latencies, 95), 1),
            "turn_p99_ms_c1": round(percentile(latencies, 99), 1), **memory,
        }
    finally:
        os.killpg(launcher.pid, signal.SIGTERM)
        launcher.wait(timeout=60)


def main(train: bool = True, conversations: int = 30) -> int:
    figures = {"train_s": round(train_from_scratch(), 1)} if train else {}
    figures.update(serve_and_measure(conversations))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(figures, indent=2))
    for key, value in figures.items():
        print(f"{key:>16}: {value}")
    print(f"written to {OUT}")
    return 0
