"""The deployment descriptions (deploy/) can't run here: check them against the code instead.
Service names, ports and environment variables must be the ones bot/settings.py and the
launcher use, and every URL must be one bot/rasa_ext/endpoints.py accepts."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.rasa_ext import endpoints as production
from bot.settings import from_environment

pytestmark = pytest.mark.integration  # real servers, a browser or a training: not in `make check`

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
SERVICES = {"rasa-1", "rasa-2", "actions-1", "actions-2", "web", "nginx", "postgres", "redis", "rabbitmq"}
# variables Rasa itself reads
READ_BY_RASA = {"SANIC_WORKERS", "TICKET_LOCK_LIFETIME"}


def _variables_in_code() -> set:
    names = set()
    for folder in ("bot", "connectors", "actions"):
        for path in (ROOT / folder).rglob("*.py"):
            names |= set(re.findall(r"\b([A-Z][A-Z0-9_]{3,})\b", path.read_text("utf-8")))
    return names


def _substitute(value: str) -> str:
    """${VAR:-default} becomes its default; ${VAR:?...}, ${VAR} and $(VAR) a sample value."""
    value = re.sub(r"\$\{\w+:-([^}]*)\}", lambda m: m.group(1), str(value))
    value = re.sub(r"\$\{(\w+)(:\?[^}]*)?\}", lambda m: f"sample{m.group(1).lower()}", value)
    return re.sub(r"\$\((\w+)\)", lambda m: f"sample{m.group(1).lower()}", value)


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text("utf-8"))


def test_compose_has_every_service(compose):
    assert set(compose["services"]) == SERVICES


def test_compose_variables_are_the_codes(compose):
    known = _variables_in_code() | READ_BY_RASA
    for name, service in compose["services"].items():
        if name.startswith(("rasa", "actions", "web")):
            unknown = set(service["environment"]) - known
            assert not unknown, f"{name}: variables no code reads: {unknown}"


def test_compose_settings_match_the_code(compose):
    services = compose["services"]
    defaults = from_environment({})
    for name in ("rasa-1", "rasa-2"):
        env = {k: _substitute(v) for k, v in services[name]["environment"].items()}
        settings = from_environment(env)
        assert settings.rasa_port == defaults.rasa_port == 5005
        assert settings.host == "0.0.0.0"
        assert services[name]["command"] == ["python", "-m", "bot", "serve", "rasa"]
        store = production.tracker_store(settings.tracker_store_url)
        assert (store["url"], store["port"], store["db"]) == ("postgres", 5432, "rasa")
        lock = production.lock_store(settings.lock_store_url, settings.lock_store_prefix)
        assert (lock["url"], lock["port"]) == ("redis", 6379)
        broker = production.pika_broker(settings.rabbitmq_url, settings.rabbitmq_queue)
        assert (broker["url"], broker["port"]) == ("rabbitmq", 5672)
        assert settings.action_server_url == "http://nginx:5055/webhook"
    for name in ("actions-1", "actions-2"):
        env = services[name]["environment"]
        assert from_environment(env).actions_port == defaults.actions_port == 5055
        assert services[name]["command"] == ["python", "-m", "bot", "serve", "actions"]
        assert _substitute(env["SHOP_DATABASE_URL"]).startswith("postgresql://")
    assert services["web"]["environment"]["WEB_PORT"] == "8080"


def test_nginx_routes_to_the_compose_services():
    conf = (DEPLOY / "nginx.conf").read_text("utf-8")
    upstreams = dict(re.findall(r"upstream (\w+) \{(.*?)\}", conf, re.S))
    servers = {name: set(re.findall(r"server ([\w.-]+:\d+)", body)) for name, body in upstreams.items()}
    assert servers["rasa"] == servers["rasa_sticky"] == {"rasa-1:5005", "rasa-2:5005"}
    assert servers["actions"] == {"actions-1:5055", "actions-2:5055"}
    assert servers["web"] == {"web:8080"}
    assert "hash $remote_addr" in upstreams["rasa_sticky"]  # socket.io sessions are sticky
    assert re.search(r"listen 5055;", conf) and re.search(r"listen 80;", conf)


def test_local_nginx_has_the_same_shape():
    """The nginx `make loadtest` runs here routes the same way as deploy/nginx.conf."""
    from bench.stack import nginx_config

    conf = nginx_config(Path("/tmp/x"), 1, 2, [3, 4], [5, 6])
    assert "hash $remote_addr" in conf and "non_idempotent" in conf and "location /socket.io/" in conf


def test_helm_values_follow_rasas_chart_and_the_code():
    values = yaml.safe_load((DEPLOY / "helm" / "values.yml").read_text("utf-8"))
    assert values["applicationSettings"]["port"] == 5005
    assert values["rasa-action-server"]["applicationSettings"]["port"] == 5055
    assert values["replicaCount"] >= 2
    known = _variables_in_code() | READ_BY_RASA | {"POSTGRES_PASSWORD", "RABBITMQ_PASSWORD"}
    for env in (values["extraEnv"], values["rasa-action-server"]["extraEnv"]):
        names = {item["name"] for item in env}
        assert not names - known, names - known
    # a secret (valueFrom) stands for a real one: long enough for bot/settings.py's checks
    env = {item["name"]: _substitute(item.get("value", "sample-secret-from-kubernetes")) for item in values["extraEnv"]}
    settings = from_environment(env)
    assert production.tracker_store(settings.tracker_store_url)["db"] == "rasa"
    assert production.lock_store(settings.lock_store_url, settings.lock_store_prefix)["key_prefix"] == "aurora"
    assert production.pika_broker(settings.rabbitmq_url, settings.rabbitmq_queue)["queues"] == ["rasa_events"]
