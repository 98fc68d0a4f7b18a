"""The evaluation's arithmetic, on hand-made parse results."""
import pytest

from bot.evaluation import macro_f1, predicted_labels, score


def parse(intent, faq=None, language=None, selector_key="faq"):
    result = {"intent": {"name": intent}, "entities": []}
    if faq:
        result["response_selector"] = {selector_key: {"response": {"intent_response_key": faq}}}
    if language:
        result["entities"].append({"entity": "language", "value": language})
    return result


def test_macro_f1_averages_per_label():
    assert macro_f1(["a", "a", "b", "b"], ["a", "a", "b", "b"]) == 1.0
    # a: P=2/3 R=1 F=0.8 ; b: P=1 R=1/2 F=2/3
    assert macro_f1(["a", "a", "b", "b"], ["a", "a", "a", "b"]) == pytest.approx((0.8 + 2 / 3) / 2)


def test_faq_answers_are_read_from_either_selector_key():
    assert predicted_labels(parse("faq", "faq/warranty")) == ("faq", "faq/warranty", "")
    assert predicted_labels(parse("faq", "faq/warranty", selector_key="default")) == ("faq", "faq/warranty", "")


def test_score_counts_faq_keys_languages_and_misses():
    examples = {"es": [("faq/warranty", "garantía?"), ("greet", "hola"), ("order_status", "mi pedido")]}
    parses = {"es": [parse("faq", "faq/shipping_cost", "es"), parse("greet", language="es"), parse("greet", language="pt")]}
    report = score(examples, parses)["es"]
    assert report["faq_selection_accuracy"] == 0.0 and report["intent_accuracy"] == pytest.approx(2 / 3)
    assert report["language_id_accuracy"] == pytest.approx(2 / 3)
    assert {m["text"] for m in report["misclassified"]} == {"garantía?", "mi pedido"}


def test_no_language_detection_is_reported_as_none():
    report = score({"en": [("greet", "hi")]}, {"en": [parse("greet")]})["en"]
    assert report["language_id_accuracy"] is None
