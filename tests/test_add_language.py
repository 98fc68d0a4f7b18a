"""Adding a language is data (issue 18): a copy of the project learns French from files only.

The copy gets the project's configuration and data, and its Python packages (bot/, actions/,
connectors/) byte for byte; then French is added the way docs/editors.md "Add a language" says,
from the files under tests/data/add_language/fr/ (training and test examples, test stories, and
the French of every response, which the test writes into the copy's domain.yml as `fr`
variations). The copy passes `make validate`'s checks, is trained by Rasa, and the bot started on
it holds a conversation in French over REST: a greeting, an FAQ, and an order's status after
the identity check, with the demo shop's facts and the date written the French way. At the end,
not one Python file of the copy differs from the project's.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Dict

import pytest
import yaml

from tests.conftest import PROJECT_ROOT, http, running_bot

pytestmark = pytest.mark.integration  # real servers, a browser or a training: not in `make check`

FRENCH = PROJECT_ROOT / "tests" / "data" / "add_language" / "fr"
PYTHON_PACKAGES = ("bot", "actions", "connectors")
# The project's files an editor edits, and what the bot reads at run time besides them.
PROJECT_FILES = ("config.yml", "domain.yml", "credentials.yml", "endpoints.yml")
PROJECT_FOLDERS = ("data", "shop", "tests/nlu", "tests/stories")
PORTS = {"rasa": 16405, "actions": 16455, "web": 16480}  # this file's own (16405-16499)
# bot/nlu/sentence_encoder.py's cache of embeddings (not imported here: it loads Rasa).
CACHE_FILE = "sentence_embeddings.npz"
FRENCH_MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
                 "octobre", "novembre", "décembre"]


def python_files(root: Path) -> Dict[str, str]:
    """relative path -> sha256 of every .py file of the Python packages under root."""
    found = {}
    for package in PYTHON_PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            if "__pycache__" not in path.parts:
                found[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def copy_project(target: Path) -> Path:
    for name in PROJECT_FILES:
        shutil.copy(PROJECT_ROOT / name, target / name)
    for folder in PROJECT_FOLDERS:
        shutil.copytree(PROJECT_ROOT / folder, target / folder)
    # The code is copied unchanged, not linked: bot/settings.py finds the project (its data) as
    # the folder that holds bot/, so a symbolic link would lead back to this checkout's data.
    for package in PYTHON_PACKAGES:
        shutil.copytree(PROJECT_ROOT / package, target / package, ignore=shutil.ignore_patterns("__pycache__"))
    if (PROJECT_ROOT / "node_modules").is_dir():  # the web app's chat widget (not Python)
        (target / "node_modules").symlink_to(PROJECT_ROOT / "node_modules")
    # The sentence encoder's cache of the project's own examples: only the French ones get encoded.
    cache = PROJECT_ROOT / "var" / "cache" / CACHE_FILE
    if cache.is_file():
        (target / "var" / "cache").mkdir(parents=True)
        shutil.copy(cache, target / "var" / "cache" / CACHE_FILE)
    return target


def french_variation(default: dict, french) -> dict:
    """The response's default variation, in French: its text, its buttons' titles (digits stay)."""
    variation = {"condition": [{"type": "slot", "name": "language", "value": "fr"}]}
    french = french if isinstance(french, dict) else {"text": french}
    variation["text"] = french["text"]
    if default.get("buttons"):
        titles = iter(french.get("buttons") or [])
        variation["buttons"] = [dict(button, title=button["title"] if button["title"].isdigit() else next(titles))
                                for button in default["buttons"]]
    return variation


def add_french(root: Path) -> None:
    """docs/editors.md "Add a language", done with the files of tests/data/add_language/fr/."""
    for source in FRENCH.rglob("*.yml"):
        relative = source.relative_to(FRENCH)
        if relative.parts[0] in ("data", "tests"):  # data/nlu/fr/, tests/nlu/fr.yml, tests/stories/test_fr.yml
            (root / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, root / relative)
    domain_path = root / "domain.yml"
    text = domain_path.read_text("utf-8")
    assert text.count("values: [es, en, pt]") == 1
    text = text.replace("values: [es, en, pt]", "values: [es, en, pt, fr]")
    responses = yaml.safe_load(text)["responses"]
    french = yaml.safe_load((FRENCH / "responses.yml").read_text("utf-8"))
    assert set(french) == set(responses), "tests/data/add_language/fr/responses.yml: one French text per response"
    # Each response's French variation goes right under its name (the file keeps its comments).
    lines, in_responses = [], False
    for line in text.splitlines():
        lines.append(line)
        name = line.strip().rstrip(":")
        if in_responses and re.match(r"  \S.*:$", line) and name in responses:
            default = next(v for v in responses[name] if not v.get("condition"))
            snippet = yaml.safe_dump([french_variation(default, french[name])], allow_unicode=True, sort_keys=False, width=10_000)
            lines += ["  " + row for row in snippet.splitlines()]
        in_responses = in_responses or line.startswith("responses:")
    domain_path.write_text("\n".join(lines) + "\n", "utf-8")
    added = yaml.safe_load(domain_path.read_text("utf-8"))["responses"]
    assert all(sum(1 for v in added[name] if v.get("condition")) == 3 for name in responses)
    # The chat widget's and the demo page's words (shop/web_texts.yml), and the ratings' words.
    web_texts_path = root / "shop" / "web_texts.yml"
    web_texts = yaml.safe_load(web_texts_path.read_text("utf-8"))
    for section, by_language in yaml.safe_load((FRENCH / "web_texts.yml").read_text("utf-8")).items():
        web_texts[section].update(by_language)
    web_texts_path.write_text(yaml.safe_dump(web_texts, allow_unicode=True, sort_keys=False), "utf-8")
    with open(root / "shop" / "rating_words.yml", "a", encoding="utf-8") as rating_words:
        rating_words.write((FRENCH / "rating_words.yml").read_text("utf-8"))


def run(command, root: Path, timeout: float) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(root), RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2")
    return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def french_project(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("french"))
    code = python_files(root)
    assert code == python_files(PROJECT_ROOT), "the project's Python changed while it was copied: run again"
    add_french(root)
    # What `make validate` runs, on the copy.
    validation = run([sys.executable, "-m", "bot", "validate", "--root", "."], root, timeout=120)
    trained = None
    if validation.returncode == 0:
        # What `make train` trains with (bot/editor/gate.py), without its evaluation: the copy's
        # model goes straight into its models/, which the bot below serves. About 2 minutes.
        trained = run([str(Path(sys.executable).parent / "rasa"), "train", "--out", "models", "--fixed-model-name", "french"],
                      root, timeout=900)
    return root, validation, trained, code


def test_french_is_valid_data_for_make_validate(french_project):
    root, validation, *_ = french_project
    assert validation.returncode == 0, validation.stdout + validation.stderr
    assert validation.stdout.strip() == "The data is valid."


def test_rasa_trains_the_copy_with_french(french_project):
    root, validation, trained, *_ = french_project
    assert trained is not None, "not trained: the data is not valid"
    assert trained.returncode == 0, trained.stdout[-3000:] + trained.stderr[-3000:]
    assert (root / "models" / "french.tar.gz").is_file()


@pytest.fixture(scope="module")
def french_bot(french_project, tmp_path_factory):
    root, _, trained, *_ = french_project
    if trained is None or trained.returncode != 0:
        pytest.fail("the copy has no model: see test_rasa_trains_the_copy_with_french")
    with running_bot(tmp_path_factory.mktemp("french_bot"), PORTS["rasa"], PORTS["actions"], root=root,
                     WEB_PORT=str(PORTS["web"])) as client:
        yield client


def french_date(day: date) -> str:
    return f"{day.day} {FRENCH_MONTHS[day.month - 1]} {day.year}"


def test_a_conversation_in_french(french_bot, sender):
    hello = french_bot.say(sender, "bonjour")
    assert len(hello) == 1, hello
    assert "Bonjour" in hello[0]["text"] and "assistant virtuel" in hello[0]["text"], hello
    assert [b["title"] for b in hello[0]["buttons"]] == ["Où est ma commande", "Retours", "Parler à quelqu'un"]

    # An FAQ: the shop's prices, in French, written the French way (3,95 €).
    shipping = french_bot.texts(sender, "la livraison en Espagne coûte combien ?")
    assert len(shipping) == 1 and shipping[0].startswith("Frais de livraison : Espagne 3,95 € (offerts dès 50 €)"), shipping

    # Order 100234 (Ana, demo shop: in transit with SEUR, due tomorrow): the identity check, then its status.
    asked = french_bot.texts(sender, "où est ma commande 100234 ? elle n'est toujours pas arrivée")
    assert asked == ["Et l'adresse e-mail ou le numéro de téléphone utilisé pour cette commande ? "
                     "C'est juste pour vérifier que c'est bien vous."], asked
    status = french_bot.texts(sender, "ana.garcia@example.com")
    assert len(status) == 1, status
    assert status[0].startswith("La commande 100234 est en route avec SEUR. Suivi SE4829910375ES : "), status
    assert status[0].endswith(f"Livraison prévue : {french_date(date.today() + timedelta(days=1))}."), status

    assert french_bot.texts(sender, "merci beaucoup !") == ["Je vous en prie ! Si vous avez besoin d'autre chose, écrivez-moi."]


def test_a_channel_can_start_the_conversation_in_french(french_bot, sender):
    # The web widget's page language (REST metadata): a bare order number has no words to detect.
    assert french_bot.texts(sender, "100234", metadata={"language": "fr"}) == [
        "Et l'adresse e-mail ou le numéro de téléphone utilisé pour cette commande ? "
        "C'est juste pour vérifier que c'est bien vous."]


def test_a_rating_typed_in_french_words_is_read(french_project):
    # What the bot makes of "quatre étoiles" after a person helped (bot/handoff/csat.py), in the copy.
    root, *_ = french_project
    typed = ["quatre étoiles", "je mets cinq", "une note de trois", "un 4"]
    read = run([sys.executable, "-c", f"from bot.handoff.csat import score_in; print([score_in(t) for t in {typed!r}])"],
               root, timeout=60)
    assert read.stdout.strip() == "[4, 5, 3, 4]", read.stdout + read.stderr


def test_no_python_file_was_touched_to_add_french(french_project, french_bot):
    # Copied, French added, validated, trained, served: still the project's code, byte for byte.
    root, *_, code = french_project
    assert code and python_files(root) == code


def test_the_demo_shop_page_in_french(french_bot):
    page = http("GET", f"{french_bot.web_url}/?lang=fr")
    assert page.status == 200
    html = page.body.decode()
    assert '<html lang="fr">' in html and "Vêtements et high-tech pour tous les jours" in html
    assert '<a href="?lang=fr" class="current">FR</a>' in html  # the language menu lists the new language
