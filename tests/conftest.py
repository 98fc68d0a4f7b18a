"""Shared fixtures: a real bot (Rasa server + action server) started by the launcher that
`make run` uses, on its own ports and with its own tracker database."""
from __future__ import annotations

import contextlib
import glob
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# `make test` runs the test files in two pytest-xdist workers (gw0, gw1): a file stays in one
# worker, so each file's own fixed ports are safe; the session bots below exist once per worker,
# so the second worker's are shifted by WORKER_PORT_STEP.
WORKER_PORT_STEP = 10
WORKER_OFFSET = WORKER_PORT_STEP * int(re.sub(r"\D", "", os.environ.get("PYTEST_XDIST_WORKER", "")) or 0)
TEST_RASA_PORT = int(os.environ.get("TEST_RASA_PORT", "15005")) + WORKER_OFFSET
TEST_ACTIONS_PORT = int(os.environ.get("TEST_ACTIONS_PORT", "15055")) + WORKER_OFFSET
TEST_TOKEN = "test-token-not-secret"


@dataclass
class HttpResult:
    status: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def http(method: str, url: str, body: Optional[bytes] = None, headers: Optional[Dict[str, str]] = None, timeout: float = 30) -> HttpResult:
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return HttpResult(response.status, response.read())
    except urllib.error.HTTPError as error:
        return HttpResult(error.code, error.read())


class BotClient:
    """Talks to the running bot the way a customer's channel does."""

    def __init__(self, base_url: str, token: str) -> None:
        self.base_url = base_url
        self.token = token

    def post_raw(self, body: bytes, content_type: str = "application/json") -> HttpResult:
        return http("POST", f"{self.base_url}/webhooks/rest/webhook", body, {"Content-Type": content_type})

    def say(self, sender: str, text: str, metadata: Optional[dict] = None) -> List[dict]:
        payload = {"sender": sender, "message": text}
        if metadata is not None:
            payload["metadata"] = metadata
        result = self.post_raw(json.dumps(payload).encode())
        assert result.status == 200, (result.status, result.body[:500])
        return result.json()

    def texts(self, sender: str, text: str, metadata: Optional[dict] = None) -> List[str]:
        return [m.get("text", "") for m in self.say(sender, text, metadata)]

    def tracker(self, sender: str) -> dict:
        result = http("GET", f"{self.base_url}/conversations/{sender}/tracker?token={self.token}")
        assert result.status == 200, result.status
        return result.json()

    def parse(self, text: str) -> dict:
        body = json.dumps({"text": text}).encode()
        result = http("POST", f"{self.base_url}/model/parse?token={self.token}", body, {"Content-Type": "application/json"})
        assert result.status == 200, result.status
        return result.json()


SIGNING_SECRET = "test-signing-secret-that-is-long-enough-for-hs256"


@contextlib.contextmanager
def running_bot(workdir: Path, rasa_port: int, actions_port: int, root: Path = PROJECT_ROOT, **env_overrides: str):
    """Starts `python -m bot run` (what `make run` runs) with its own ports, tracker and shop
    database, and stops it afterwards. The web app gets WEB_PORT from env_overrides or a free
    port, and socket.io accepts that port's origins unless BOT_ALLOWED_ORIGINS is given.
    `root`: the project folder to run (a copy, in tests/test_add_language.py), with its models/."""
    assert glob.glob(str(root / "models" / "*.tar.gz")), "no trained model: run `make train`"
    log_path = workdir / "bot.log"
    env = dict(os.environ)
    env.update(
        RASA_PORT=str(rasa_port), ACTIONS_PORT=str(actions_port), RASA_AUTH_TOKEN=TEST_TOKEN,
        TRACKER_DB=str(workdir / "tracker.db"), PYTHONPATH=str(root),
        SHOP_DATABASE_URL=f"sqlite:///{workdir / 'shop.db'}", SHOP_SEED_DEMO="1", SHOP_SIGNING_SECRET=SIGNING_SECRET,
        HANDOFF_DATABASE_URL=f"sqlite:///{workdir / 'handoff.db'}",
    )
    # The NPS question is asked of a random share of conversations: never, unless a test says so,
    # so that every other test's answers are certain.
    no_surveys = workdir / "insights-no-surveys.yml"
    no_surveys.write_text("nps:\n  sampling_rate: 0\n", "utf-8")
    env["INSIGHTS_FILE"] = str(no_surveys)
    web_port = env_overrides.get("WEB_PORT") or str(_free_port())
    env.update(WEB_PORT=web_port, BOT_ALLOWED_ORIGINS=f"http://localhost:{web_port},http://127.0.0.1:{web_port}")
    env.update(env_overrides)
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"], cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            _wait_until_launcher_ready(process, log_path)
            client = BotClient(f"http://127.0.0.1:{rasa_port}", TEST_TOKEN)
            client.web_url = f"http://127.0.0.1:{web_port}"
            yield client
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_launcher_ready(process: subprocess.Popen, log_path: Path, deadline_s: float = 240) -> None:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the bot exited with {process.returncode}:\n{log_path.read_text()[-3000:]}")
        if "Aurora bot ready" in log_path.read_text(errors="replace"):
            return
        time.sleep(0.5)
    raise RuntimeError(f"the bot did not become ready:\n{log_path.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def bot(tmp_path_factory) -> BotClient:
    """The bot with the embedded defaults: SQLite, the demo shop seeded today."""
    with running_bot(tmp_path_factory.mktemp("bot"), TEST_RASA_PORT, TEST_ACTIONS_PORT) as client:
        yield client


@pytest.fixture(scope="session")
def isolated_bot(tmp_path_factory) -> BotClient:
    """A second bot with its own databases and ports, for tests that lock orders and addresses
    or open incidents (tests/test_security.py, tests/test_order_facts.py): the shared `bot`
    stays as the other tests expect it. Its action server secret and agent password are known."""
    with running_bot(tmp_path_factory.mktemp("isolated"), ISOLATED_PORTS["rasa"], ISOLATED_PORTS["actions"],
                     WEB_PORT=str(ISOLATED_PORTS["web"]), ACTION_SERVER_SECRET=ISOLATED_ACTION_SECRET,
                     BOT_DEMO_AGENT_PASSWORD=ISOLATED_AGENT_PASSWORD) as client:
        yield client


ISOLATED_PORTS = {"rasa": 15605 + WORKER_OFFSET, "actions": 15655 + WORKER_OFFSET, "web": 15680 + WORKER_OFFSET}
ISOLATED_ACTION_SECRET = "isolated-test-action-secret-0123456789"
ISOLATED_AGENT_PASSWORD = "demo-password-for-tests"


@pytest.fixture
def sender(request) -> str:
    """A conversation id of its own for each test."""
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", request.node.name)[:80]
    return f"{name}-{time.monotonic_ns()}"


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium, once per test module (tests/browser.py)."""
    from tests.browser import launched_chromium

    with launched_chromium() as chromium:
        yield chromium


# `make test` runs in two pytest-xdist workers, a file at a time. xdist hands out the files with the
# most tests first, so the few-test files that take minutes (a training, two replicas under
# faults) came last and one worker ran them while the other sat idle. These go first instead,
# slowest first (seconds measured on a fresh clone); the rest follow in xdist's order.
SLOWEST_FILES = [
    "tests/test_editor_gate.py",  # ~270 s: trains a worse model
    "tests/test_add_language.py",  # ~215 s: trains a French copy
    "tests/test_loadtest_smoke.py",  # ~145 s: two replicas through faults
    "tests/test_order_facts.py",
    "tests/test_nlu_quality.py",
    "tests/test_conversations.py",
    "tests/test_console_live.py",
    "tests/test_agent_console.py",
    "tests/test_security.py",
    "tests/test_privacy.py",
]


def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadFileScheduling

    class SlowestFilesFirst(LoadFileScheduling):
        def _assign_work_unit(self, node):  # xdist 3.6's hook for "the next file for this worker"
            for scope in SLOWEST_FILES:
                if scope in self.workqueue:
                    self.workqueue.move_to_end(scope, last=False)
                    break
            super()._assign_work_unit(node)

    return SlowestFilesFirst(config, log)
