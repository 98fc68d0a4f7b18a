"""Starts the action server, the Rasa server and the web app (demo page and chat widget) with
embedded defaults, waits until all answer, and stops them together (Ctrl-C, SIGTERM, or one of
them dying)."""
from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Dict, List

import yaml

from bot import web
from bot.rasa_ext import endpoints as production_endpoints
from bot.security import shared_secret
from bot import settings as configuration
from bot.settings import PROJECT_ROOT, RunSettings, from_environment

RUNTIME_DIR = PROJECT_ROOT / "var" / "run"
READY_TIMEOUT_S = 180
MAX_REQUEST_BYTES = 1024 * 1024


def runtime_endpoints(settings: RunSettings) -> Path:
    """endpoints.yml with this run's action server URL and tracker database."""
    endpoints = yaml.safe_load((PROJECT_ROOT / "endpoints.yml").read_text("utf-8")) or {}
    action_endpoint = endpoints.setdefault("action_endpoint", {})
    action_endpoint["url"] = settings.action_server_url
    # The action server answers only calls that carry the shared secret (bot/action_server.py).
    action_endpoint["headers"] = {shared_secret.HEADER: settings.action_secret}
    store = endpoints.get("tracker_store") or {}
    if settings.tracker_store_url:
        endpoints["tracker_store"] = production_endpoints.tracker_store(settings.tracker_store_url)
    elif store.get("dialect") == "sqlite":
        store["db"] = settings.tracker_db
        Path(settings.tracker_db).parent.mkdir(parents=True, exist_ok=True)
    if settings.lock_store_url:
        endpoints["lock_store"] = production_endpoints.lock_store(settings.lock_store_url, settings.lock_store_prefix)
    # RABBITMQ_URL: endpoints.yml's event broker (the handoff relay) forwards every event there.
    RUNTIME_DIR.mkdir(parents=True, exist_ok=True)
    path = RUNTIME_DIR / f"endpoints-{settings.rasa_port}.yml"
    path.touch(mode=0o600)
    path.chmod(0o600)  # it holds the action server's secret
    path.write_text(yaml.safe_dump(endpoints), "utf-8")
    return path


def _venv_bin(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def _child_environment(settings: RunSettings) -> Dict[str, str]:
    # The children read their settings from this environment (bot/settings.py), plus this run's
    # generated token and secret.
    env = dict(os.environ)
    env["RASA_AUTH_TOKEN"] = settings.auth_token  # the console talks to Rasa's API with it
    env[shared_secret.SECRET_VARIABLE] = settings.action_secret  # the actions check Rasa's calls with it
    env["PYTHONPATH"] = str(PROJECT_ROOT)
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    # Sanic reads SANIC_* variables: no request body over 1 MB (its default is 100 MB).
    env.setdefault("SANIC_REQUEST_MAX_SIZE", str(MAX_REQUEST_BYTES))
    return env


def _action_server_environment(settings: RunSettings) -> Dict[str, str]:
    env = _child_environment(settings)
    # Rasa keeps connections to the action server open; a shorter idle timeout here (Sanic's 5 s)
    # closes them under Rasa's feet ("Cannot write to closing transport"): outlive its pool.
    env.setdefault("SANIC_KEEP_ALIVE_TIMEOUT", "75")
    return env


def start_action_server(settings: RunSettings) -> subprocess.Popen:
    return subprocess.Popen(action_server_command(settings), cwd=PROJECT_ROOT, env=_action_server_environment(settings))


def action_server_command(settings: RunSettings) -> List[str]:
    # ACTIONS_HOST: only the Rasa server calls it, so 127.0.0.1 unless in a container
    return [sys.executable, "-m", "bot.action_server", "--actions", "actions", "--port", str(settings.actions_port),
            "--host", settings.actions_host]


def start_web_app(settings: RunSettings) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "bot.web"], cwd=PROJECT_ROOT, env=_child_environment(settings))


def rasa_command(settings: RunSettings, endpoints: Path, mode: str = "run") -> List[str]:
    command = [
        # Rasa's CLI with bot/rasa_ext/patches applied (same arguments as `rasa`)
        sys.executable, "-m", "bot.rasa_ext.server", mode, "--model", settings.model,
        "--port", str(settings.rasa_port),
        "--endpoints", str(endpoints), "--credentials", "credentials.yml",
    ]
    if mode == "run":
        # The HTTP API can read and rewrite every conversation: never without a token.
        # bot.rasa_ext.server adds --auth-token from RASA_AUTH_TOKEN inside the process: not in `ps`.
        command += ["--enable-api", "--interface", settings.host]
    return command


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def wait_until_ready(settings: RunSettings, processes: List[subprocess.Popen]) -> bool:
    deadline = time.monotonic() + READY_TIMEOUT_S
    checks = [
        f"http://127.0.0.1:{settings.actions_port}/health",
        f"{settings.rasa_url}/status?token={settings.auth_token}",
        f"{web.from_environment().url}/healthz",
    ]
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in processes):
            return False
        if all(_answers(url) for url in checks):
            return True
        time.sleep(0.5)
    return False


def _stop(processes: List[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def prepare_handoff() -> str:
    """Upgrades the handoff store to head once (bot/migrations/), before the servers that share it start. With the demo
    shop, the agent `demo` (a supervisor) gets BOT_DEMO_AGENT_PASSWORD, or a generated password (returned, to
    be announced)."""
    from bot.handoff import db
    from bot.handoff.accounts import Accounts
    from bot.shop.factory import is_demo

    engine = db.make_engine(db.database_url())
    if not is_demo():
        return ""
    chosen = configuration.load().handoff.demo_agent_password
    password = chosen or secrets.token_urlsafe(12)
    Accounts(engine).set_agent("demo", password, "Demo", role="supervisor")
    return "" if chosen else password


def _announce(settings: RunSettings, seconds: float, generated_agent_password: str = "") -> None:
    lines = [
        f"Aurora bot ready in {seconds:.1f} s",
        f"  REST:   curl -s {settings.rasa_url}/webhooks/rest/webhook -d "
        + json.dumps(json.dumps({"sender": "me", "message": "hola"})),
        f"  HTTP API (token required): {settings.rasa_url}/status?token=…",
        f"  Web:    {web.from_environment().url}/  (demo shop with the chat widget; embed script at /embed.js)",
    ]
    lines.append(f"  Agents: {web.from_environment().url}/agent  (API description: /api/openapi.json)")
    if generated_agent_password:
        lines.append(f"  DEMO MODE: agent 'demo', password {generated_agent_password}  (set BOT_DEMO_AGENT_PASSWORD to choose it)")
    if settings.auth_token_generated:
        lines.append(
            "  DEMO MODE: RASA_AUTH_TOKEN was not set, so this run generated one: "
            f"{settings.auth_token}  (set RASA_AUTH_TOKEN in production)"
        )
    print("\n".join(lines), flush=True)


def seed_demo_shop_if_demo() -> None:
    """The demo shop is re-seeded at every start, so its dates stay relative to today."""
    from datetime import date

    from bot.shop.factory import database_url, is_demo
    from bot.shop.seed import seed_demo_shop

    if is_demo():
        seed_demo_shop(database_url(), date.today(), PROJECT_ROOT / "shop" / "demo_shop.json")
        print(f"DEMO shop: seeded {database_url()} from shop/demo_shop.json", flush=True)


def run() -> int:
    settings = from_environment()
    endpoints = runtime_endpoints(settings)
    seed_demo_shop_if_demo()
    agent_password = prepare_handoff()
    started = time.monotonic()
    processes = [start_action_server(settings)]
    processes.append(subprocess.Popen(rasa_command(settings, endpoints), cwd=PROJECT_ROOT, env=_child_environment(settings)))
    processes.append(start_web_app(settings))

    def stop_on_signal(signum, frame):
        _stop(processes)
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop_on_signal)
    signal.signal(signal.SIGINT, stop_on_signal)

    if not wait_until_ready(settings, processes):
        print("The bot did not start: see the errors above.", file=sys.stderr, flush=True)
        _stop(processes)
        return 1
    _announce(settings, time.monotonic() - started, agent_password)
    while all(p.poll() is None for p in processes):
        time.sleep(0.5)
    print("A server stopped; stopping the others.", file=sys.stderr, flush=True)
    _stop(processes)
    return 1


def shell() -> int:
    settings = from_environment()
    endpoints = runtime_endpoints(settings)
    seed_demo_shop_if_demo()
    actions = start_action_server(settings)
    try:
        return subprocess.call(rasa_command(settings, endpoints, mode="shell"), cwd=PROJECT_ROOT, env=_child_environment(settings))
    finally:
        _stop([actions])


def serve(component: str) -> int:
    """One process of the bot, in the foreground, configured exactly as `run` configures it: what
    a container runs (deploy/docker-compose.yml, deploy/helm/): rasa | actions | web."""
    settings = from_environment()
    if settings.action_secret_generated and component in ("rasa", "actions"):
        raise SystemExit(f"Set {shared_secret.SECRET_VARIABLE} (at least 16 characters, the same for the Rasa "
                         "and action servers): the action server only answers calls that carry it.")
    env = _child_environment(settings)
    if component == "rasa":
        command = rasa_command(settings, runtime_endpoints(settings))
    elif component == "actions":
        env = _action_server_environment(settings)
        command = action_server_command(settings)
    elif component == "web":
        command = [sys.executable, "-m", "bot.web"]
    else:
        raise SystemExit(f"unknown component {component!r}: rasa, actions or web")
    os.chdir(PROJECT_ROOT)
    os.execve(command[0], command, env)
    return 0  # not reached
