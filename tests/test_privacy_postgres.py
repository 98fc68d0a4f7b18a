"""An erasure on the production stores: the running bot with its conversations in PostgreSQL (our
resilient SQL tracker store, with its outbox table) and its cases in PostgreSQL too; the customer
erased from the command line, then every row of every table searched for them."""
from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest
import sqlalchemy as sa

from tests.agent_client import AgentClient
from tests.conftest import PROJECT_ROOT, running_bot
from tests.expected import matches
from tests.postgres import POSTGRES_URL, fresh_database, fresh_schema_url

pytestmark = pytest.mark.integration  # real servers on PostgreSQL

RASA_PORT, ACTIONS_PORT, WEB_PORT = 16106, 16156, 16181
AGENT_PASSWORD = "privacy-postgres-password"
EMAIL, OTHER_EMAIL = "lucia.fernandez@example.com", "tom.baker@example.org"


@pytest.fixture(scope="module")
def tracker_url():
    with fresh_database("privacy_e2e") as name:
        yield POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(scope="module")
def stack(tmp_path_factory, tracker_url):
    with fresh_schema_url("privacy_handoff") as handoff_url:
        env = dict(WEB_PORT=str(WEB_PORT), BOT_DEMO_AGENT_PASSWORD=AGENT_PASSWORD, TRACKER_STORE_URL=tracker_url,
                   HANDOFF_DATABASE_URL=handoff_url, ACTION_SERVER_SECRET="privacy-postgres-action-secret-0123",
                   SUPPORT_HOURS_FILE=str(PROJECT_ROOT / "tests" / "handoff" / "always_open.yml"))
        workdir = tmp_path_factory.mktemp("privacy-postgres")
        with running_bot(workdir, RASA_PORT, ACTIONS_PORT, **env) as client:
            yield client, dict(os.environ, PYTHONPATH=str(PROJECT_ROOT), TRACKER_STORE_URL=tracker_url,
                               HANDOFF_DATABASE_URL=handoff_url, SHOP_DATABASE_URL=f"sqlite:///{workdir / 'shop.db'}",
                               REVIEW_OUTPUT=str(workdir / "review.yml")), tracker_url, handoff_url


def rows_mentioning(url: str, needle: str) -> list:
    """(table, row) of every row, in every table of the database (or schema), whose text has `needle`."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            found = []
            for table in sa.inspect(engine).get_table_names():
                for row in conn.execute(sa.text(f'SELECT t::text FROM "{table}" t')):
                    if needle.lower() in row[0].lower():
                        found.append((table, row[0][:120]))
            return found
    finally:
        engine.dispose()


def test_an_erasure_from_the_command_line_empties_both_postgresql_stores_of_that_customer(stack):
    client, env, tracker_url, handoff_url = stack
    lucia, tom = f"lucia-{uuid.uuid4().hex[:8]}", f"tom-{uuid.uuid4().hex[:8]}"
    agent = AgentClient(client.web_url, "demo", AGENT_PASSWORD).log_in()  # online: the customer is queued
    client.texts(lucia, "hola, ¿dónde está mi pedido 100502?")
    client.texts(lucia, EMAIL)
    assert matches(client.texts(lucia, "quiero hablar con una persona")[0], "utter_handoff_queued", "es")
    client.texts(tom, "where is my order 100410?")
    client.texts(tom, OTHER_EMAIL)
    case_id = agent.case_of(lucia)["id"]
    assert rows_mentioning(tracker_url, EMAIL) and rows_mentioning(handoff_url, EMAIL)

    erased = subprocess.run([sys.executable, "-m", "bot", "privacy", "erase", "--email", EMAIL, "--yes"], cwd=PROJECT_ROOT,
                            env=env, capture_output=True, text=True, timeout=60)

    assert erased.returncode == 0, erased.stderr
    assert "tracker store: conversations 1" in erased.stdout and "cases anonymised 1" in erased.stdout
    for needle in (EMAIL, lucia, "Lucía", "600333444"):
        assert rows_mentioning(tracker_url, needle) == [], needle
        assert rows_mentioning(handoff_url, needle) == [], needle
    assert rows_mentioning(tracker_url, OTHER_EMAIL)  # the other customer is still there
    assert agent.case(case_id)["status"] == "resolved"  # no one left to answer: closed, kept as a number
    # The customer writes again: a new conversation, nothing of the old one.
    assert client.texts(lucia, "hola")
    assert [e["text"] for e in client.tracker(lucia)["events"] if e["event"] == "user"] == ["hola"]
