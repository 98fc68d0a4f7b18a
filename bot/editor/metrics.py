"""The figures of an NLU evaluation, from gold labels and a model's parse results: one definition
each, used by `make eval` (bot/evaluation.py) and by `make train`'s gate (model_eval.py).
Macro-F1 is scikit-learn's, averaged over the labels of the gold standard."""
from __future__ import annotations

from collections import defaultdict
from typing import Dict, List, Tuple

CALIBRATION_BINS = 10


def macro_f1(gold: List[str], predicted: List[str]) -> float:
    """scikit-learn's macro-F1 over the labels of the gold standard."""
    from sklearn.metrics import f1_score

    return float(f1_score(gold, predicted, labels=sorted(set(gold)), average="macro", zero_division=0)) if gold else 0.0


def calibration_error(confidences: List[float], correct: List[bool], bins: int = CALIBRATION_BINS) -> float:
    """Expected calibration error: |accuracy - mean confidence| per confidence bin, weighted by
    the bin's share of the messages (0 = a confidence of 0.8 is right 80 % of the time)."""
    total, error = len(confidences), 0.0
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        members = [i for i, c in enumerate(confidences) if low < c <= high or (b == 0 and c == 0)]
        if members:
            accuracy = sum(correct[i] for i in members) / len(members)
            confidence = sum(confidences[i] for i in members) / len(members)
            error += len(members) / total * abs(accuracy - confidence)
    return error


def answered_with(parse: dict) -> Tuple[str, float]:
    """What the bot would act on and how sure it was: the top intent (the FAQ key for faq) and
    its confidence, looking past nlu_fallback to the intent it overrode."""
    ranking = [r for r in parse.get("intent_ranking") or [] if r.get("name") != "nlu_fallback"]
    top = ranking[0] if ranking else (parse.get("intent") or {})
    intent, faq, _ = predicted_labels({**parse, "intent": top})
    return (faq or intent), float(top.get("confidence") or 0.0)


def predicted_labels(parse: dict) -> Tuple[str, str, str]:
    """(intent, faq key or '', language or '') from a parse result."""
    intent = (parse.get("intent") or {}).get("name") or ""
    faq = ""
    if intent == "faq":
        # A ResponseSelector trained without `retrieval_intent` (Rasa's stock config) answers under "default".
        selectors = parse.get("response_selector") or {}
        selected = selectors.get("faq") or selectors.get("default") or {}
        faq = (selected.get("response") or {}).get("intent_response_key") or ""
    language = next((e["value"] for e in parse.get("entities") or [] if e.get("entity") == "language"), "")
    return intent, faq, language


def score(examples: Dict[str, List[Tuple[str, str]]], parses: Dict[str, List[dict]], threshold: float = 0.3) -> dict:
    """Per-language figures from gold examples and the model's parse results."""
    report = {}
    for language, items in examples.items():
        answers = [answered_with(p) for p in parses[language]]
        right = [answer == (gold if gold.startswith("faq/") else gold.split("/")[0]) for (gold, _), (answer, _) in zip(items, answers)]
        acted_on = [p.get("intent", {}).get("name") != "nlu_fallback" and c >= threshold for p, (_, c) in zip(parses[language], answers)]
        gold_intents, predicted_intents, faq_hits, faq_total, language_hits = [], [], 0, 0, 0
        misclassified = []
        detects_language = any(predicted_labels(p)[2] for p in parses[language])
        for (gold, text), parse in zip(items, parses[language]):
            intent, faq, detected = predicted_labels(parse)
            gold_intent = gold.split("/")[0]
            gold_intents.append(gold_intent)
            predicted_intents.append(intent)
            if gold.startswith("faq/"):
                faq_total += 1
                faq_hits += faq == gold
            language_hits += detected == language
            if intent != gold_intent or (gold.startswith("faq/") and faq != gold):
                misclassified.append({"text": text, "expected": gold, "predicted": faq or intent})
        per_intent: Dict[str, List[int]] = defaultdict(lambda: [0, 0])
        for g, p in zip(gold_intents, predicted_intents):
            per_intent[g][1] += 1
            per_intent[g][0] += g == p
        report[language] = {
            "examples": len(items),
            "intent_accuracy": sum(g == p for g, p in zip(gold_intents, predicted_intents)) / len(items),
            "intent_macro_f1": macro_f1(gold_intents, predicted_intents),
            "faq_selection_accuracy": faq_hits / faq_total if faq_total else None,
            # None when the pipeline has no language detection at all (Rasa's stock one)
            "language_id_accuracy": language_hits / len(items) if detects_language else None,
            "expected_calibration_error": calibration_error([c for _, c in answers], right),
            # answered (not "did you mean…?"), and wrongly: the mistakes a customer notices
            "wrong_and_confident": sum(a and not r for a, r in zip(acted_on, right)) / len(items),
            "per_intent_recall": {k: v[0] / v[1] for k, v in sorted(per_intent.items())},
            "misclassified": misclassified,
        }
    return report
