"""The evaluation's arithmetic, on hand-made parse results."""
import pytest

from bot.editor.metrics import macro_f1, predicted_labels, score


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


def test_wrong_answers_count_as_confident_only_at_or_above_the_threshold():
    def ranked(intent, confidence, faq=None):
        result = parse(intent, faq, "es")
        result["intent"]["confidence"] = confidence
        result["intent_ranking"] = [{"name": intent, "confidence": confidence}]
        return result

    examples = {"es": [("greet", "hola"), ("faq/warranty", "garantía?"), ("thank", "gracias"), ("deny", "no")]}
    parses = {"es": [ranked("greet", 0.9), ranked("faq", 0.8, "faq/shipping_cost"), ranked("goodbye", 0.4),
                     {**ranked("affirm", 0.55), "intent": {"name": "nlu_fallback", "confidence": 0.6}}]}
    report = score(examples, parses, threshold=0.6)["es"]
    # only the FAQ answered with the wrong key at 0.8 is a confident mistake; 0.4 and a fallback aren't
    assert report["wrong_and_confident"] == pytest.approx(1 / 4)


def test_calibration_error_is_zero_when_confidence_matches_accuracy():
    from bot.editor.metrics import calibration_error

    assert calibration_error([0.75] * 4, [True, True, True, False]) == pytest.approx(0.0)
    assert calibration_error([1.0, 1.0], [False, False]) == pytest.approx(1.0)
