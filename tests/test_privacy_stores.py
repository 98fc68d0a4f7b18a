"""Privacy requests on the stores themselves, in this process: conversations written by Rasa's own
SQL tracker store (SQLite, and PostgreSQL), cases in the handoff store, the review files, the
erase event on a real RabbitMQ, retention with a clock of our own, and the masking rules.
The same code on the running servers: tests/test_privacy.py."""
from __future__ import annotations

import asyncio
import json
import logging
import os
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.handoff import db
from bot.handoff.store import HandoffStore, NewMessage
from bot.privacy import audit, config, erase_event, log_masking, retention
from bot.privacy.erase import erase_located, locate
from bot.privacy.export import document
from bot.privacy.masking import CARD_MASK, mask_all, mask_cards
from bot.privacy.places import Places
from bot.privacy.subject import BadSubject, from_request, subject
from tests.postgres import fresh_database, fresh_schema_url

DAY = 86400.0
NOW = 1_800_000_000.0  # a fixed "now": 2027-01-15
ANA, TOM = "ana.garcia@example.com", "tom.baker@example.org"


# --- masking ------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed", ["4111 1111 1111 1111", "4111-1111-1111-1111", "4111111111111111",
                                   "5555 5555 5555 4444", "378282246310005", "6011 0009 9013 9424"])
def test_a_card_number_is_hidden_however_it_is_typed(typed):
    masked, found = mask_cards(f"mi tarjeta es {typed}, caduca en 12/29")
    assert (masked, found) == (f"mi tarjeta es {CARD_MASK}, caduca en 12/29", 1)


@pytest.mark.parametrize("kept", ["pedido 100234", "+34 600 11 22 33", "4111 1111 1111 1112", "1Z999AA10123456784",
                                  "tracking 123456789012", "0034600111222"])
def test_order_numbers_phones_and_numbers_failing_luhn_are_not_cards(kept):
    assert mask_cards(kept) == (kept, 0)


def test_a_phone_next_to_a_card_stays_and_the_card_goes():
    assert mask_cards("+34 600 11 22 33 4111 1111 1111 1111") == (f"+34 600 11 22 33 {CARD_MASK}", 1)


def test_log_lines_lose_cards_emails_and_phones_whatever_the_logger(caplog):
    log_masking.install()
    with caplog.at_level(logging.INFO):
        logging.getLogger("rasa.core.channels").info("user %s said %r", ANA, "tel +34 600 11 22 33, card 4111111111111111")
        try:
            raise ValueError(f"no order for {TOM}")
        except ValueError:
            logging.getLogger("sanic.error").exception("failed")
    text = caplog.text
    assert ANA not in text and TOM not in text and "600 11 22 33" not in text and "4111111111111111" not in text
    assert "<email>" in text and "<phone>" in text and CARD_MASK in text
    assert mask_all("pedido 100234") == "pedido 100234"


# --- who a request is about -------------------------------------------------------------------------

def test_a_request_names_exactly_one_valid_selector():
    assert from_request({"email": " Ana.Garcia@Example.com "}) == subject("email", ANA)
    assert from_request({"phone": "+34 600-111-222"}).value == "34600111222"
    for bad in ({}, {"email": ANA, "phone": "600111222"}, {"email": "not-an-email"}, {"phone": "12"},
                {"customer": "c01; drop table"}, {"conversation": "x" * 300}, [], "ana"):
        with pytest.raises(BadSubject):
            from_request(bad)


def test_the_shop_settings_are_checked():
    loaded = config.load()
    assert loaded.retention.conversations_days >= 1 and loaded.notice_link.startswith("https://")
    with pytest.raises(config.PrivacyConfigError, match="conversations_days"):
        config.parse({"retention": {"conversations_days": "forever"}})


# --- stores built the way the servers build them ----------------------------------------------------

def conversation(sender: str, at: float, *turns) -> DialogueStateTracker:
    events = []
    for offset, turn in enumerate(turns):
        timestamp = at + offset
        if isinstance(turn, tuple):
            events.append(SlotSet(turn[0], turn[1], timestamp=timestamp))
        elif turn.startswith("bot:"):
            events.append(BotUttered(turn[4:], timestamp=timestamp))
        else:
            events.append(UserUttered(turn, timestamp=timestamp, input_channel="rest"))
    return DialogueStateTracker.from_events(sender, events)


class Stores:
    """A tracker store, a handoff store and review files holding Ana's and Tom's data."""

    def __init__(self, tracker_store: SQLTrackerStore, tracker_url: str, handoff_url: str, workdir: Path) -> None:
        self.tracker_store = tracker_store
        self.places = Places(tracker_url=tracker_url, handoff_url=handoff_url, review_file=workdir / "review.yml")
        self.handoff = HandoffStore(handoff_url)
        self.engine = self.handoff.engine

    async def fill(self) -> None:
        saves = [
            conversation("ana-rest", NOW - 200 * DAY, "hola, soy Ana García", "bot:¿tu pedido?", "100234", ANA,
                         ("contact", ANA), ("customer_id", "c01"), "quiero hablar con una persona"),
            conversation("ana-widget", NOW - 10 * DAY, f"mi correo es {ANA.upper()}", "bot:gracias"),
            conversation("34600111222", NOW - 5 * DAY, "hola", "bot:¡hola!"),  # Ana on WhatsApp: the shop has her number
            conversation("tom-rest", NOW - 200 * DAY, "where is my order?", TOM, ("contact", TOM),
                         ("customer_id", "c06"), "I want a person"),
            conversation("tom-later", NOW - 1 * DAY, "hi again", "bot:hello"),
        ]
        for tracker in saves:
            await self.tracker_store.save(tracker)
        ana_case = self.handoff.open_case(
            conversation_id="ana-rest", channel="rest", language="es", reason="customer_request", base_priority=3,
            status="pending", summary="VIP · Ana García", context={"customer": {"id": "c01", "email": ANA, "name": "Ana García"}},
            customer_key="customer:c01", customer_name="Ana García", contact=ANA, now=NOW - 200 * DAY,
            transcript=[NewMessage("customer", "hola, soy Ana García", NOW - 200 * DAY)])
        self.handoff.add_note(ana_case["id"], "demo", "Ana prefers email", now=NOW - 200 * DAY)
        self.handoff.claim(ana_case["id"], "demo", now=NOW - 200 * DAY)
        self.handoff.close(ana_case["id"], "demo", "resolved", now=NOW - 200 * DAY)
        self.handoff.record_csat(ana_case["id"], 4, now=NOW - 200 * DAY)
        tom_case = self.handoff.open_case(
            conversation_id="tom-rest", channel="rest", language="en", reason="customer_request", base_priority=1,
            status="pending", summary="Tom Baker", context={"customer": {"id": "c06", "email": TOM}},
            customer_key="customer:c06", customer_name="Tom Baker", contact=TOM, now=NOW - 200 * DAY,
            transcript=[NewMessage("customer", "where is my order?", NOW - 200 * DAY)])
        self.ana_case, self.tom_case = ana_case["id"], tom_case["id"]
        self.places.review_file.write_text("nlu:\n- intent: human_handoff\n  examples: |\n    - hola, soy ana garcía\n"
                                           "    - where is my order?\n", "utf-8")
        tag = lambda c: __import__("hashlib").sha256(c.encode()).hexdigest()[:10]  # noqa: E731
        self.places.review_file.with_suffix(".json").write_text(json.dumps({"messages": [
            {"conversation": tag("ana-rest"), "language": "es", "text": "hola, soy Ana García"},
            {"conversation": tag("tom-rest"), "language": "en", "text": "where is my order?"}]}), "utf-8")

    def sender_ids(self) -> set:
        with sa.create_engine(self.places.tracker_url).connect() as conn:
            return {r[0] for r in conn.execute(sa.text("SELECT DISTINCT sender_id FROM events"))}


class FakeShop:
    """The shop's records, as the backend answers (read only)."""

    class Customer:
        id, email, phone = "c01", ANA, "+34600111222"

    async def find_customer(self, customer_id):
        return self.Customer if customer_id == "c01" else None

    async def find_customer_by_email(self, email):
        return self.Customer if email == ANA else None

    async def find_customer_by_phone(self, phone):
        return self.Customer if phone.endswith("600111222") else None


@pytest.fixture
def sqlite_stores(tmp_path):
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    stores = Stores(SQLTrackerStore(dialect="sqlite", db=str(tmp_path / "tracker.db")), url,
                    f"sqlite:///{tmp_path / 'handoff.db'}", tmp_path)
    asyncio.run(stores.fill())
    return stores


@pytest.fixture(scope="module")
def postgres_database():
    with fresh_database("privacy") as name:
        yield name


@pytest.fixture
def postgres_stores(tmp_path, postgres_database):
    with fresh_schema_url("privacy_handoff") as handoff_url:
        store = SQLTrackerStore(dialect="postgresql", host="127.0.0.1", port=5432, db=postgres_database, username="postgres")
        stores = Stores(store, f"postgresql://postgres@127.0.0.1:5432/{postgres_database}", handoff_url, tmp_path)
        with store.engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM events"))
        asyncio.run(stores.fill())
        yield stores
        stores.engine.dispose()
        store.engine.dispose()


@pytest.mark.parametrize("stores_fixture", ["sqlite_stores", "postgres_stores"])
def test_erasing_by_email_removes_every_conversation_and_case_of_that_person_only(request, stores_fixture):
    stores: Stores = request.getfixturevalue(stores_fixture)
    located = asyncio.run(locate(subject("email", ANA), stores.places, stores.engine, FakeShop()))
    assert located.conversation_ids == {"ana-rest", "ana-widget", "34600111222"}  # the WhatsApp one by her number
    assert located.case_ids == {stores.ana_case}

    with stores.engine.begin() as conn:  # an NPS answer (insights): kept as a number
        conn.execute(sa.insert(db.surveys).values(kind="nps", conversation_id="ana-widget", customer_key="customer:c01",
                                                  asked_at=NOW - 10 * DAY, score=9, answered_at=NOW - 10 * DAY))
    report = asyncio.run(erase_located(located, stores.places, stores.engine, "demo", now=NOW))

    assert report["stores"]["tracker_store"]["conversations"] == 3
    assert report["stores"]["handoff_store"]["cases_anonymised"] == 1
    assert report["stores"]["handoff_store"]["ratings_kept_anonymous"] == 1
    assert report["stores"]["review_files"] == {"messages": 1}
    assert report["stores"]["event_broker"]["published"] is False  # no RABBITMQ_URL here
    assert stores.sender_ids() == {"tom-rest", "tom-later"}
    case = stores.handoff.case(stores.ana_case)
    assert (case["csat"], case["status"], case["reason"]) == (4, "resolved", "customer_request")  # the figures keep it
    assert case["customer_name"] is None and case["contact"] is None and "ana" not in json.dumps(case["context"]).lower()
    assert stores.handoff.transcript(stores.ana_case) == [] and stores.handoff.notes(stores.ana_case) == []
    assert stores.handoff.case(stores.tom_case)["contact"] == TOM
    with stores.engine.connect() as conn:
        [survey] = conn.execute(sa.select(db.surveys)).all()
    assert survey.score == 9 and "ana" not in survey.conversation_id and "c01" not in survey.customer_key
    review = stores.places.review_file.read_text("utf-8") + stores.places.review_file.with_suffix(".json").read_text("utf-8")
    assert "ana" not in review.lower() and "where is my order?" in review
    [entry] = audit.entries(stores.engine)
    assert (entry["actor"], entry["action"], entry["subject"]) == ("demo", "erase", "email a***@example.com")
    assert ANA not in json.dumps(entry)


def test_erased_sqlite_rows_are_not_left_readable_in_the_files(sqlite_stores):
    located = asyncio.run(locate(subject("customer", "c01"), sqlite_stores.places, sqlite_stores.engine, FakeShop()))
    asyncio.run(erase_located(located, sqlite_stores.places, sqlite_stores.engine, "os:test", now=NOW))
    sqlite_stores.tracker_store.engine.dispose()
    sqlite_stores.engine.dispose()
    folder = sqlite_stores.places.review_file.parent
    for path in folder.iterdir():
        data = path.read_bytes()
        for needle in (b"ana.garcia", b"ANA.GARCIA", b"600111222", "García".encode(), b"Ana prefers"):
            assert needle not in data, (path.name, needle)


def test_a_conversation_id_erases_just_that_conversation_and_its_case(sqlite_stores):
    located = asyncio.run(locate(subject("conversation", "tom-rest"), sqlite_stores.places, sqlite_stores.engine, FakeShop()))
    assert (located.conversation_ids, located.case_ids) == ({"tom-rest"}, {sqlite_stores.tom_case})
    asyncio.run(erase_located(located, sqlite_stores.places, sqlite_stores.engine, "demo", now=NOW))
    assert "tom-later" in sqlite_stores.sender_ids() and "tom-rest" not in sqlite_stores.sender_ids()
    assert sqlite_stores.handoff.case(sqlite_stores.tom_case)["status"] == "resolved"  # closed: nobody to answer


def test_the_export_holds_that_person_and_nobody_else(sqlite_stores):
    located = asyncio.run(locate(subject("phone", "600 111 222"), sqlite_stores.places, sqlite_stores.engine, FakeShop()))
    exported = document(located, sqlite_stores.places, sqlite_stores.engine, NOW)
    assert sorted(c["id"] for c in exported["conversations"]) == ["34600111222", "ana-rest", "ana-widget"]
    assert [c["id"] for c in exported["cases"]] == [sqlite_stores.ana_case]
    assert exported["cases"][0]["notes"][0]["text"] == "Ana prefers email" and exported["cases"][0]["rating"] == 4
    rest = next(c for c in exported["conversations"] if c["id"] == "ana-rest")
    assert rest["recorded_about_you"] == {"contact": ANA, "customer_id": "c01"}
    assert [m["from"] for m in rest["messages"]][:2] == ["customer", "bot"]
    text = json.dumps(exported, ensure_ascii=False).lower()
    assert "tom.baker" not in text and "tom-" not in text and "c06" not in text and "where is my order" not in text


def test_retention_deletes_old_conversations_and_anonymises_old_cases_by_the_clock(sqlite_stores):
    settings = config.parse({"retention": {"conversations_days": 180, "cases_days": 365, "review_files_days": 90,
                                           "audit_days": 730, "run_daily": True}, "mask_case_transcripts": False})
    review = sqlite_stores.places.review_file
    os.utime(review, (NOW - 100 * DAY, NOW - 100 * DAY))
    report = retention.apply(settings, sqlite_stores.places, sqlite_stores.engine, now=NOW)
    # 200 days since their last message: Ana's conversation goes; Tom's stays while his case is open.
    assert sqlite_stores.sender_ids() == {"ana-widget", "34600111222", "tom-rest", "tom-later"}
    assert report["review_files"] == {"files": ["review.yml"]} and not review.exists()
    assert report["handoff_store"]["cases_anonymised"] == 0  # closed 200 days ago: kept for 365
    with sqlite_stores.engine.begin() as conn:
        conn.execute(sa.insert(db.surveys).values(kind="nps", conversation_id="ana-rest", customer_key="customer:c01",
                                                  asked_at=NOW - 200 * DAY, score=10))
    later = retention.apply(settings, sqlite_stores.places, sqlite_stores.engine, now=NOW + 200 * DAY)
    assert later["handoff_store"]["cases_anonymised"] == 1 and later["handoff_store"]["survey_answers_anonymised"] == 1
    assert sqlite_stores.handoff.case(sqlite_stores.ana_case)["csat"] == 4
    assert sqlite_stores.handoff.case(sqlite_stores.tom_case)["contact"] == TOM  # still open: untouched
    assert sqlite_stores.sender_ids() == {"tom-rest"}
    assert [e["action"] for e in audit.entries(sqlite_stores.engine)] == ["retain", "retain"]


def test_the_web_app_runs_retention_once_a_day():
    ran, clock = [], [NOW]

    async def sleep(seconds):
        clock[0] += seconds
        if len(ran) == 3:
            raise asyncio.CancelledError

    def run(now):
        ran.append(now)
        if len(ran) == 2:
            raise RuntimeError("the database was down")  # logged, and tried again the next day

    with pytest.raises(asyncio.CancelledError):
        asyncio.run(retention.daily(run, clock=lambda: clock[0], sleep=sleep, first_delay_s=60))
    assert ran == [NOW + 60, NOW + 60 + DAY, NOW + 60 + 2 * DAY]


def test_consumers_of_the_event_stream_get_the_erase_event():
    pika_url, queue = "amqp://guest:guest@127.0.0.1:5672/%2F", f"privacy_test_{uuid.uuid4().hex[:8]}"
    body = erase_event.message(["ana-rest", "34600111222"], now=NOW)
    try:
        asyncio.run(erase_event.publish(pika_url, queue, body))
    except OSError as error:
        pytest.fail(f"no RabbitMQ at 127.0.0.1:5672 ({error}): make test needs it running")

    async def receive():
        import aio_pika

        connection = await aio_pika.connect(pika_url.replace("%2F", ""))
        async with connection:
            channel = await connection.channel()
            declared = await channel.declare_queue(queue, durable=True)
            message = await declared.get(timeout=5)
            await message.ack()
            await declared.delete(if_unused=False, if_empty=False)
            return json.loads(message.body)

    assert asyncio.run(receive()) == {"event": "customer_erased", "conversation_ids": ["34600111222", "ana-rest"], "at": NOW}
