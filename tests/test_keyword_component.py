"""The keyword rule, on the Rasa component itself: it decides only when the model is unsure."""
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.keywords import KeywordIntentMatcher

RULES = {"es": {"invoice_request": ["factura"], "faq/warranty": ["garantía"]}}
THRESHOLD = 0.5


def message(text, ranking, language="es", response_key="faq/shipping_cost"):
    data = {
        "text": text,
        "intent": {"name": ranking[0][0], "confidence": ranking[0][1]},
        "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking],
        "entities": [{"entity": "language", "value": language, "start": 0, "end": len(text)}],
        "response_selector": {"faq": {"response": {"intent_response_key": response_key, "utter_action": f"utter_{response_key}",
                                                   "confidence": 0.4, "responses": []}, "ranking": []}},
    }
    return Message(data=data)


def run(msg):
    KeywordIntentMatcher({"trust_model_above": THRESHOLD}, RULES).process([msg])
    return msg


def test_a_confident_model_is_never_overridden():
    msg = run(message("la factura del pedido", [("order_status", 0.8), ("invoice_request", 0.1)]))
    assert msg.get("intent")["name"] == "order_status"
    assert msg.get("keywords") == {"matched": [{"intent": "invoice_request", "keyword": "factura", "language": "es"}], "decided": False}


def test_an_unsure_model_lets_the_keyword_decide():
    msg = run(message("facturaa??", [("greet", 0.2), ("invoice_request", 0.15)]))
    assert msg.get("intent") == {"name": "invoice_request", "confidence": THRESHOLD}
    assert msg.get("intent_ranking")[0]["name"] == "invoice_request"
    assert [r["name"] for r in msg.get("intent_ranking")].count("invoice_request") == 1
    assert msg.get("keywords")["decided"] is True


def test_an_faq_keyword_also_picks_the_answer():
    msg = run(message("y la garantia?", [("affirm", 0.3), ("faq", 0.2)]))
    assert msg.get("intent")["name"] == "faq"
    response = msg.get("response_selector")["faq"]["response"]
    assert response["intent_response_key"] == "faq/warranty" and response["utter_action"] == "utter_faq/warranty"


def test_no_keyword_no_change():
    msg = run(message("algo raro", [("greet", 0.2), ("affirm", 0.1)]))
    assert msg.get("intent") == {"name": "greet", "confidence": 0.2}
    assert msg.get("keywords") == {"matched": [], "decided": False}
