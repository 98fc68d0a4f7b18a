"""The training data, the test split and the domain keep the promises editors rely on."""
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest
import yaml

from bot.languages import supported_languages
from bot.nlu.keyword_rules import load_rules
from bot.nlu.training_files import examples_in_folder, examples_in_file

LANGUAGES = supported_languages()  # the folders of data/nlu/, the default (config.yml) first
DOMAIN = yaml.safe_load(Path("domain.yml").read_text("utf-8"))
INTENTS = [i for i in DOMAIN["intents"] if i != "faq"]
FAQ_KEYS = sorted(k[len("utter_"):] for k in DOMAIN["responses"] if k.startswith("utter_faq/"))
CONTRACT_INTENTS = ("greet goodbye thank affirm deny bot_challenge out_of_scope inform order_status cancel_order "
                    "change_address return_request return_policy refund_status damaged_item payment_problem "
                    "invoice_request human_handoff complaint").split()
# Ours, beyond the contract: the customer's 1-5 rating after an agent resolved their case, how
# something already reported is going, a parcel marked delivered that never arrived, what the shop
# does with their data, and "delete my data".
OWN_INTENTS = ["rate_support", "case_status", "delivery_not_received", "data_privacy", "data_erasure"]
CONTRACT_FAQS = ["faq/" + k for k in "shipping_cost delivery_time payment_methods support_hours international_shipping warranty discount_code account_password".split()]


def normalized(text):
    return re.sub(r"[^\w]+", " ", text.lower()).strip()


def test_the_contract_intents_and_faqs_are_all_there():
    assert sorted(INTENTS) == sorted(CONTRACT_INTENTS + OWN_INTENTS)
    assert FAQ_KEYS == sorted(CONTRACT_FAQS)


@pytest.mark.parametrize("language", LANGUAGES)
def test_at_least_20_training_examples_per_intent_and_faq(language):
    counts = Counter(intent for intent, _ in examples_in_folder(Path("data/nlu") / language))
    short = {i: counts[i] for i in CONTRACT_INTENTS + CONTRACT_FAQS if counts[i] < 20}
    assert not short, short


@pytest.mark.parametrize("language", LANGUAGES)
def test_at_least_8_test_examples_per_intent_and_faq(language):
    counts = Counter(intent for intent, _ in examples_in_file(Path("tests/nlu") / f"{language}.yml"))
    short = {i: counts[i] for i in CONTRACT_INTENTS + CONTRACT_FAQS if counts[i] < 8}
    assert not short, short


def test_test_split_is_kept_out_of_training():
    training = {normalized(text) for language in LANGUAGES for _, text in examples_in_folder(Path("data/nlu") / language)}
    test_files = [Path("tests/nlu") / f"{language}.yml" for language in LANGUAGES] + sorted(Path("tests/nlu/shifted").glob("*.yml"))
    leaked = [text for path in test_files for _, text in examples_in_file(path)
              if normalized(text) in training and len(normalized(text).split()) > 2]
    # Very short messages ("ok", "no gracias") can't help being the same; anything longer must be new.
    assert not leaked, leaked


def test_no_training_example_under_two_intents():
    seen = defaultdict(set)
    for language in LANGUAGES:
        for intent, text in examples_in_folder(Path("data/nlu") / language):
            seen[normalized(text)].add(intent)
    clashes = {text: intents for text, intents in seen.items() if len(intents) > 1}
    assert not clashes, clashes


@pytest.mark.parametrize("name", sorted(DOMAIN["responses"]))
def test_every_response_has_one_variation_per_language(name):
    variations = DOMAIN["responses"][name]
    languages = [next((c["value"] for c in v.get("condition", []) if c["name"] == "language"), "default") for v in variations]
    assert sorted(languages) == sorted(["default"] + LANGUAGES[1:]), languages
    for variation in variations:
        assert variation.get("text", "").strip(), name
        for button in variation.get("buttons", []):
            assert len(button["title"]) <= 20, button  # WhatsApp's reply-button limit


def test_every_intent_and_faq_has_a_button_label():
    labels = {k[len("utter_label_"):] for k in DOMAIN["responses"] if k.startswith("utter_label_")}
    assert set(CONTRACT_INTENTS + CONTRACT_FAQS) <= labels


def test_keywords_name_existing_intents():
    known = set(INTENTS) | set(CONTRACT_FAQS)
    for language, by_intent in load_rules(Path("data/nlu")).items():
        assert set(by_intent) <= known, (language, set(by_intent) - known)


@pytest.mark.integration  # rasa data validate loads Rasa: 20 s
def test_rasa_data_validate_is_clean():
    env = dict(os.environ, PYTHONPATH=".", RASA_TELEMETRY_ENABLED="false")
    result = subprocess.run([str(Path(sys.executable).parent / "rasa"), "data", "validate"],
                            capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    warnings = re.findall(r"UserWarning: (.+)", result.stdout + result.stderr)
    # Rasa warns about responses that only actions and forms use; those are fine. Anything else isn't.
    code = [*Path("actions").rglob("*.py"), *Path("connectors").rglob("*.py"), *Path("bot").rglob("*.py")]
    used_by_code = set(re.findall(r"utter_[\w/]+", "".join(p.read_text() for p in code)))
    # f"utter_order_status_{status}" leaves the prefix "utter_order_status_": a family of responses
    families = tuple(name for name in used_by_code if name.endswith("_"))
    unexpected = []
    for warning in warnings:
        unused = re.match(r"The utterance '(utter_[\w/]+)' is not used in any story or rule", warning)
        if unused:
            name = unused.group(1)
            if name in used_by_code or name.startswith(families + ("utter_ask_", "utter_invalid_")) or name == "utter_default":
                continue
        if "duplicated intents have been found across multiple domain files: faq" in warning:
            continue  # Rasa adds the retrieval intent itself and then warns it is listed (its docs list it).
        unexpected.append(warning)
    assert not unexpected, unexpected
