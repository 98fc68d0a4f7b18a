"""`make review` on a tracker store filled by real conversations with the running bot (SQLite, as
`make run` writes it, and the same events in PostgreSQL), and its plain functions."""
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import yaml
from sqlalchemy import create_engine, text

from bot.editor.review import conversation_messages, mask, read_events, review, to_yaml
from tests.conftest import running_bot

pytestmark = pytest.mark.integration  # real servers, a browser or a training: not in `make check`

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RASA_PORT, ACTIONS_PORT, WEB_PORT = 21005, 21055, 21080  # this file's own ports
POSTGRES_URL = os.environ.get("SHOP_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")

GIBBERISH = "zzqx blorf wubba"
WITH_PERSONAL_DATA = "fnord qwxz ana.garcia@example.com pedido #100234 tel +34 600 111 222"
REPHRASED = "cuando llega mi pedidooo del otro dia"
BEFORE_HANDOFF = "vcs vendem bicicletas eletricas?"


@pytest.fixture(scope="module")
def tracker_db(tmp_path_factory) -> Path:
    workdir = tmp_path_factory.mktemp("review")
    database = workdir / "conversations.db"
    with running_bot(workdir, RASA_PORT, ACTIONS_PORT, WEB_PORT=str(WEB_PORT), TRACKER_DB=str(database)) as bot:
        bot.say("review-es", "hola")
        bot.say("review-es", GIBBERISH)
        bot.say("review-pii", WITH_PERSONAL_DATA)
        bot.say("review-pii", "quiero hablar con una persona")
        bot.say("review-rephrase", REPHRASED)
        bot.say("review-rephrase", "cuándo llega mi pedido")
        bot.say("review-handoff", BEFORE_HANDOFF)
        bot.say("review-handoff", "quero falar com uma pessoa, por favor")
        bot.say("review-en", "where is my order?")
        bot.say("review-en", "thank you so much")
    return database


@pytest.fixture(scope="module")
def exported(tracker_db, tmp_path_factory):
    out = tmp_path_factory.mktemp("review_out") / "review.yml"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "review", "--tracker-store", f"sqlite:///{tracker_db}", "--out", str(out)],
        capture_output=True, text=True, cwd=PROJECT_ROOT, env=dict(os.environ, PYTHONPATH=str(PROJECT_ROOT)), timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return out, result.stdout


def flagged(out: Path):
    return json.loads(out.with_suffix(".json").read_text("utf-8"))["messages"]


def test_the_export_is_rasa_training_data_grouped_by_language_and_predicted_intent(exported):
    out, stdout = exported
    document = yaml.safe_load(out.read_text("utf-8"))
    blocks = {}
    for block in document["nlu"]:  # one block per language and intent: several may share an intent
        blocks[block["intent"]] = blocks.get(block["intent"], "") + block["examples"]
    assert "nlu_fallback" in blocks and f"- {GIBBERISH}\n" in blocks["nlu_fallback"]
    assert "# es · predicted nlu_fallback" in out.read_text("utf-8")
    assert "5 conversations" in stdout and "Ready to label" in stdout


def test_fallbacks_rephrases_and_handoffs_are_found(exported):
    by_text = {m["text"]: m for m in flagged(exported[0])}
    assert "fallback" in by_text[GIBBERISH]["reasons"] and by_text[GIBBERISH]["language"] == "es"
    assert "rephrased" in by_text[REPHRASED]["reasons"]
    assert "before a handoff" in by_text[BEFORE_HANDOFF]["reasons"] and by_text[BEFORE_HANDOFF]["language"] == "pt"
    assert "hola" not in by_text and "thank you so much" not in by_text  # understood: nothing to review


def test_personal_data_is_masked(exported):
    out = exported[0]
    written = out.read_text("utf-8") + out.with_suffix(".json").read_text("utf-8")
    for secret in ("ana.garcia", "example.com", "100234", "600 111 222", "review-pii"):
        assert secret not in written
    assert "fnord qwxz <email> pedido #<order> tel <phone>" in written


def test_counts_per_intent_and_fallback_rate_per_language(exported):
    details = json.loads(exported[0].with_suffix(".json").read_text("utf-8"))
    assert details["asked"]["es"]["greet"] == 1 and details["asked"]["en"]["order_status"] == 1
    es_messages = sum(details["asked"]["es"].values())
    es_fallbacks = sum(1 for m in details["messages"] if m["language"] == "es" and "fallback" in m["reasons"])
    assert es_fallbacks >= 1 and details["fallback_rate"]["es"] == pytest.approx(es_fallbacks / es_messages)
    assert details["fallback_rate"]["en"] == 0.0
    assert "# Fallback rate per language" in exported[0].read_text("utf-8")


def test_the_same_events_in_postgresql_give_the_same_review(tracker_db):
    schema = f"review_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    try:
        source = create_engine(f"sqlite:///{tracker_db}")
        with source.connect() as conn:
            rows = conn.execute(text("SELECT id, sender_id, type_name, timestamp, intent_name, action_name, data FROM events")).fetchall()
        source.dispose()
        target = create_engine(url)
        with target.begin() as conn:  # Rasa's SQLTrackerStore table, as it creates it on PostgreSQL
            conn.execute(text("CREATE TABLE events (id SERIAL PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, "
                              "type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), "
                              "action_name VARCHAR(255), data TEXT)"))
            conn.execute(text("INSERT INTO events VALUES (:id, :sender_id, :type_name, :timestamp, :intent_name, :action_name, :data)"),
                         [dict(r._mapping) for r in rows])
        target.dispose()
        assert to_yaml(review(read_events(url)), "x") == to_yaml(review(read_events(f"sqlite:///{tracker_db}")), "x")
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def user(text, intent, confidence=0.9, timestamp=0.0, language="es"):
    return {"event": "user", "text": text, "timestamp": timestamp,
            "parse_data": {"intent": {"name": intent, "confidence": confidence},
                           "entities": [{"entity": "language", "value": language}]}}


def test_low_confidence_and_button_payloads():
    events = [user("no sé qué pasa con lo mío", "order_status", confidence=0.41),
              user("/order_status", "order_status", confidence=1.0),
              {"event": "action", "name": "action_did_you_mean"},
              user("bien gracias", "thank")]
    messages = conversation_messages("someone", events, "es")
    assert [(m.text, m.reasons) for m in messages] == [("no sé qué pasa con lo mío", ["low confidence"]), ("bien gracias", [])]


def test_an_action_handoff_flags_the_messages_before_it():
    events = [user("a", "greet"), user("mi paquete vino raro", "damaged_item", timestamp=1),
              {"event": "action", "name": "action_handoff"}]
    messages = conversation_messages("someone", events, "es")
    assert all("before a handoff" in m.reasons for m in messages)


def test_mask_keeps_the_words_and_hides_the_identifiers():
    assert mask("soy ANA@Example.com, pedido 100234 y mi móvil 612 345 678") == "soy <email>, pedido <order> y mi móvil <phone>"
    assert "4111" not in mask("tarjeta 4111 1111 1111 1111") and "4111" not in mask("tarjeta 4111111111111111")
