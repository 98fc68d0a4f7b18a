"""The editors' validator (bot/editor/validate.py): each fixture breaks a copy of the project's
data in one way and expects one clear message with file and line; `make train`'s gate stops
before training and leaves the model in service untouched; adding a language is data."""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.editor.validate import MIN_TEST_EXAMPLES, MIN_TRAINING_EXAMPLES, problems
from bot.languages import supported_languages

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def copy_project(target: Path) -> Path:
    """The files an editor edits (and the validator reads), copied."""
    for name in ("domain.yml", "config.yml"):
        shutil.copy(PROJECT_ROOT / name, target / name)
    shutil.copytree(PROJECT_ROOT / "data", target / "data")
    shutil.copytree(PROJECT_ROOT / "tests" / "nlu", target / "tests" / "nlu")
    shutil.copytree(PROJECT_ROOT / "tests" / "stories", target / "tests" / "stories")
    return target


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_project(tmp_path)


def line_of(path: Path, text: str) -> int:
    for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not in {path}")


def replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), "utf-8")


def messages(root: Path):
    return [str(p) for p in problems(root)]


def test_the_project_itself_is_valid():
    assert messages(PROJECT_ROOT) == []


def test_the_languages_come_from_the_data_folders():
    assert supported_languages(PROJECT_ROOT) == ["es", "en", "pt"]


def test_a_yaml_syntax_error_is_reported_with_its_line_and_nothing_else(project):
    path = project / "data/nlu/en/nlu.yml"
    line = line_of(path, "- intent: goodbye")
    replace_once(path, "- intent: goodbye", "- intent: goodbye\n  examples: |\n    - bye\n   - broken: [indent")
    found = messages(project)
    assert len(found) == 1, found
    assert re.match(rf"data/nlu/en/nlu.yml:{line + 3}: this is not valid YAML", found[0]), found
    assert "Traceback" not in found[0]


def test_a_misspelled_intent_in_a_story_names_the_story_line_and_the_likely_intent(project):
    path = project / "data/stories/order_requests.yml"
    text = path.read_text("utf-8")
    intent = re.search(r"- intent: (order_status)\b", text).group(1)
    line = line_of(path, f"- intent: {intent}")
    replace_once(path, f"- intent: {intent}", "- intent: order_stauts")
    found = messages(project)
    assert len(found) == 1, found
    assert found[0].startswith(f"data/stories/order_requests.yml:{line}: story '")
    assert "uses intent 'order_stauts', which is not in domain.yml. Did you mean 'order_status'?" in found[0]


def test_an_empty_example_list_is_reported(project):
    path = project / "data/nlu/pt/nlu.yml"
    path.write_text(path.read_text("utf-8").rstrip("\n") + "\n- intent: greet\n  examples: |\n", "utf-8")
    line = len(path.read_text("utf-8").splitlines()) - 1
    found = messages(project)
    assert found == [f"data/nlu/pt/nlu.yml:{line}: intent 'greet' has an empty example list. Add examples under "
                     "'examples: |', one per line starting with '- ', or remove the intent block."]


def test_an_unknown_language_code_is_reported(project):
    (project / "data/nlu/xx").mkdir()
    shutil.copy(project / "data/nlu/es/nlu.yml", project / "data/nlu/xx/nlu.yml")
    found = messages(project)
    assert any(m.startswith("data/nlu/xx/: 'xx' is not a language code the bot knows") for m in found), found


def test_too_few_examples_of_an_intent_in_one_language(project):
    path = project / "data/nlu/en/nlu.yml"
    lines = path.read_text("utf-8").splitlines()
    start = line_of(path, "- intent: invoice_request")  # then "examples: |", then the examples
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("- "))
    del lines[start + 6:end]  # keep 5 examples
    path.write_text("\n".join(lines) + "\n", "utf-8")
    found = messages(project)
    line = start
    assert found == [f"data/nlu/en/nlu.yml:{line + 2}: 'invoice_request' has only 5 training examples in 'en'; "
                     f"it needs at least {MIN_TRAINING_EXAMPLES}."]


def test_a_response_without_a_variation_for_a_language(project):
    path = project / "domain.yml"
    domain = yaml.safe_load(path.read_text("utf-8"))
    pt_text = next(v["text"] for v in domain["responses"]["utter_iamabot"] if v.get("condition"))
    pt_text = next(v["text"] for v in domain["responses"]["utter_iamabot"]
                   if any(c.get("value") == "pt" for c in v.get("condition", [])))
    lines = path.read_text("utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if pt_text[:30] in line)
    del lines[index - 1:index + 1]  # the condition line and its text
    path.write_text("\n".join(lines) + "\n", "utf-8")
    found = messages(project)
    assert found == [f"domain.yml:{line_of(path, 'utter_iamabot:')}: response 'utter_iamabot' has no 'pt' variation: "
                     "add one with condition: [{type: slot, name: language, value: pt}]."]


def test_one_example_under_two_intents(project):
    path = project / "data/nlu/es/nlu.yml"
    replace_once(path, "- intent: goodbye\n  examples: |\n", "- intent: goodbye\n  examples: |\n    - cómo descargo la factura\n")
    found = messages(project)
    assert len(found) == 1 and "'cómo descargo la factura' is an example of" in found[0], found
    assert "Keep it under one intent only." in found[0]


def test_keywords_must_name_existing_intents(project):
    path = project / "data/nlu/en/keywords.yml"
    line = line_of(path, "  order_status:")
    replace_once(path, "  order_status:", "  order_statuss:")
    found = messages(project)
    assert found == [f"data/nlu/en/keywords.yml:{line}: keywords for 'order_statuss', which is not an intent or FAQ "
                     "of domain.yml. Did you mean 'order_status'?"]


def test_a_domain_that_is_a_list_is_reported_not_a_crash(project):
    # It used to stop the validator with AttributeError ('list' object has no attribute 'get').
    (project / "domain.yml").write_text("- intents:\n  - greet\n- responses: {}\n", "utf-8")
    assert messages(project) == ["domain.yml:1: must be a mapping of sections (intents:, responses:, slots:, ...), "
                                 "one per line, not a list or a text."]


def test_faq_examples_without_an_answer(project):
    path = project / "data/nlu/es/faq.yml"
    examples = "".join(f"    - envolvéis para regalo el pedido número {i}\n" for i in range(MIN_TRAINING_EXAMPLES))
    path.write_text(path.read_text("utf-8").rstrip("\n") + "\n- intent: faq/gift_wrap\n  examples: |\n" + examples, "utf-8")
    found = messages(project)
    line = line_of(path, "faq/gift_wrap") + 2
    assert found == [f"data/nlu/es/faq.yml:{line}: FAQ 'faq/gift_wrap' has examples but no answer: add "
                     "`utter_faq/gift_wrap` to domain.yml → responses, with a variation per language (es, en, pt)."]


def test_the_gate_stops_before_training_and_leaves_the_model_in_service_alone(project):
    models = project / "models"
    models.mkdir()
    in_service = models / "20200101-000000.tar.gz"
    in_service.write_bytes(b"the model in service")
    replace_once(project / "domain.yml", "intents:\n", "intents:\n  - [broken\n")
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT))
    result = subprocess.run([sys.executable, "-m", "bot", "train", "--root", str(project)],
                            capture_output=True, text=True, env=env, cwd=PROJECT_ROOT, timeout=300)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "domain.yml:" in result.stdout and "this is not valid YAML" in result.stdout
    assert "Nothing was trained; the model in service is unchanged." in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    assert sorted(p.name for p in models.iterdir()) == [in_service.name]
    assert in_service.read_bytes() == b"the model in service"
    assert not (project / "var" / "candidates").exists()


# A minimal French set: one sentence per intent and FAQ, varied by what customers put around it.
FRENCH = {
    "greet": "bonjour", "goodbye": "au revoir", "thank": "merci beaucoup", "affirm": "oui c'est ça",
    "deny": "non pas du tout", "bot_challenge": "tu es un robot", "out_of_scope": "raconte moi une blague",
    "inform": "voici mon adresse mail", "order_status": "où est ma commande",
    "cancel_order": "je veux annuler ma commande", "change_address": "changer l'adresse de livraison",
    "return_request": "je veux renvoyer un article", "return_policy": "quelle est la politique de retour",
    "refund_status": "où en est mon remboursement", "damaged_item": "le produit est arrivé cassé",
    "payment_problem": "mon paiement a été refusé", "invoice_request": "il me faut une facture",
    "human_handoff": "je veux parler à un conseiller", "complaint": "je veux déposer une réclamation",
    "rate_support": "je donne un 5 au conseiller", "case_status": "où en est ma réclamation",
    "delivery_not_received": "le colis est marqué livré mais je ne l'ai pas",
    "data_privacy": "que faites vous de mes données", "data_erasure": "supprimez mes données personnelles",
    "faq/shipping_cost": "combien coûte la livraison", "faq/delivery_time": "quel est le délai de livraison",
    "faq/payment_methods": "quels moyens de paiement acceptez vous", "faq/support_hours": "quels sont vos horaires",
    "faq/international_shipping": "livrez vous à l'étranger", "faq/warranty": "quelle est la garantie",
    "faq/discount_code": "mon code promo ne marche pas", "faq/account_password": "j'ai oublié mon mot de passe",
}
AROUND = ["{}", "{} ?", "{} svp", "salut, {}", "{} merci", "bonsoir {}", "dites moi, {}", "{} s'il vous plaît",
          "euh {}", "{} stp", "alors {}", "{} !", "excusez moi, {}", "{} rapidement", "coucou {}", "{} aujourd'hui",
          "svp {}", "question : {}", "{}, merci d'avance", "bonjour, {}", "{} maintenant", "re, {}", "{} ?!", "voilà, {}"]


def nlu_yaml(examples_per_label: int, offset: int) -> str:
    blocks = []
    for label, sentence in FRENCH.items():
        lines = "".join(f"    - {AROUND[(offset + i) % len(AROUND)].format(sentence)}\n" for i in range(examples_per_label))
        blocks.append(f"- intent: {label}\n  examples: |\n{lines}")
    return 'version: "3.1"\nnlu:\n' + "".join(blocks)


def test_adding_french_is_data_and_the_validator_says_what_is_missing(project):
    (project / "data/nlu/fr").mkdir()
    (project / "data/nlu/fr/nlu.yml").write_text(nlu_yaml(3, 0), "utf-8")
    found = "\n".join(messages(project))
    assert "the language slot's values don't include 'fr'" in found
    assert "responses have no 'fr' variation" in found
    assert f"'greet' has only 3 training examples in 'fr'; it needs at least {MIN_TRAINING_EXAMPLES}" in found
    assert "tests/nlu/fr.yml: is missing" in found
    assert "tests/stories/test_fr.yml: is missing" in found

    # The checklist (docs/editors.md), done: examples, test split, test stories, the slot, the answers.
    (project / "data/nlu/fr/nlu.yml").write_text(nlu_yaml(MIN_TRAINING_EXAMPLES, 0), "utf-8")
    test_examples = nlu_yaml(MIN_TEST_EXAMPLES, MIN_TRAINING_EXAMPLES).replace("    - ", "    - eh bien ")
    (project / "tests/nlu/fr.yml").write_text(test_examples, "utf-8")
    (project / "tests/stories/test_fr.yml").write_text(
        'version: "3.1"\nstories:\n- story: fr greet\n  steps:\n  - user: |\n      bonjour à tous\n    intent: greet\n'
        "  - action: utter_greet\n", "utf-8")
    domain_path = project / "domain.yml"
    replace_once(domain_path, "values: [es, en, pt]", "values: [es, en, pt, fr]")
    domain_text = domain_path.read_text("utf-8")
    # Every response gets a French variation: under each response name, before the next one.
    out, names = [], set(yaml.safe_load(domain_text)["responses"])
    in_responses = False
    for line in domain_text.splitlines():
        name = line.strip().rstrip(":")
        if in_responses and line.startswith("  ") and not line.startswith("   ") and name in names:
            out += [line, "  - condition: [{type: slot, name: language, value: fr}]", f'    text: "(fr) {name}"']
            continue
        in_responses = in_responses or line.startswith("responses:")
        out.append(line)
    domain_path.write_text("\n".join(out) + "\n", "utf-8")
    assert messages(project) == []
    assert supported_languages(project) == ["es", "en", "fr", "pt"]
