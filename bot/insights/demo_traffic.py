"""`python -m bot demo-traffic N`: N generated customer conversations played through the running
bot's REST channel (es/en/pt: FAQs, orders of the demo shop, returns, things it won't understand,
a few handoffs), so a first-time shop owner sees a filled insights page. The NPS, effort and CSAT
questions get answers. Handed-over cases are taken, answered and resolved (or handed back) through
the console API as the demo agent, when its password is known (BOT_DEMO_AGENT_PASSWORD).

Only for a demo bot: the conversations go into its tracker and handoff stores like real ones."""
from __future__ import annotations

import json
import random
import sys
import time
import urllib.error
import urllib.request
from typing import Any, Callable, Dict, List, Mapping, Optional, TypedDict

from bot import settings
from bot.settings import PROJECT_ROOT

MAX_CONVERSATIONS = 2000
TIMEOUT_S = 30
DEMO_SHOP = PROJECT_ROOT / "shop" / "demo_shop.json"


class Phrases(TypedDict):
    """What customers of one language write: a few ways to say each thing, or one template
    with the order's number in it ({order})."""
    hello: List[str]
    bye: List[str]
    faq: List[str]
    order: str
    damaged: str
    policy: List[str]
    person: str
    lost: List[str]


# What customers write, per language: a few ways to ask each thing. The bot's own tests hold the
# full variety; these only make the figures worth looking at.
ASK: Dict[str, Phrases] = {
    "es": {"hello": ["hola", "buenas tardes"], "bye": ["adiós", "gracias, hasta luego"],
           "faq": ["¿cuánto cuesta el envío?", "¿qué formas de pago aceptáis?", "¿cuánto tarda en llegar?",
                   "¿hacéis envíos internacionales?", "¿tenéis algún código de descuento?"],
           "order": "¿dónde está mi pedido {order}?", "damaged": "el pedido {order} llegó roto",
           "policy": ["¿puedo devolver un bañador?", "¿cuántos días tengo para devolver algo?"],
           "person": "quiero hablar con una persona", "lost": ["zzqx blorp", "asdf qwerty"]},
    "en": {"hello": ["hi", "hello there"], "bye": ["bye", "thanks, goodbye"],
           "faq": ["how much is shipping?", "which payment methods do you take?", "how long does delivery take?",
                   "do you ship abroad?", "do you have a discount code?"],
           "order": "where is my order {order}?", "damaged": "order {order} arrived damaged",
           "policy": ["can I return swimwear?", "how many days do I have to return something?"],
           "person": "I want to talk to a person", "lost": ["zzqx blorp", "qwop flarn"]},
    "pt": {"hello": ["olá", "boa tarde"], "bye": ["tchau", "obrigado, até logo"],
           "faq": ["quanto custa o frete?", "quais formas de pagamento vocês aceitam?", "quanto tempo demora a entrega?",
                   "vocês enviam para outros países?", "tem algum cupom de desconto?"],
           "order": "cadê meu pedido {order}?", "damaged": "o pedido {order} chegou quebrado",
           "policy": ["posso devolver um biquíni?", "quantos dias tenho para devolver?"],
           "person": "quero falar com uma pessoa", "lost": ["zzqx blorp", "xkcd vrrm"]},
}
AGENT_REPLY = {"es": "Hola, soy del equipo. Ya lo tengo, te lo soluciono ahora.",
               "en": "Hi, I'm from the team. I've got it and I'm sorting it out now.",
               "pt": "Olá, sou da equipe. Já vi e vou resolver agora."}
SCORES = {"nps_score": [10, 10, 9, 9, 9, 8, 8, 7, 6, 4, 2], "effort_score": [5, 5, 4, 4, 4, 3, 2, 1],
          "csat_score": [5, 5, 4, 4, 3, 2, 1]}


def _post(url: str, body: dict, token: Optional[str] = None) -> object:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers=headers)
    with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
        raw = response.read()
    return json.loads(raw) if raw else None


def _get(url: str, token: str) -> object:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
        return json.loads(response.read())


def _json_object(value: object, url: str) -> Dict[str, Any]:
    """The console API's answer, which is a JSON object."""
    if not isinstance(value, dict):
        raise TypeError(f"{url} answered with {type(value).__name__}, not a JSON object")
    return value


class Customer:
    """One conversation: says things and answers the rating buttons it is shown."""

    def __init__(self, rasa_url: str, sender: str, language: str, rng: random.Random) -> None:
        self.rasa_url, self.sender, self.language, self.rng = rasa_url, sender, language, rng

    def say(self, text: str) -> List[dict]:
        url = f"{self.rasa_url}/webhooks/rest/webhook"
        replies = _post(url, {"sender": self.sender, "message": text, "metadata": {"language": self.language}}) or []
        if not isinstance(replies, list):
            raise TypeError(f"{url} answered with {type(replies).__name__}, not a list of messages")
        return self.answer_ratings(replies)

    def answer_ratings(self, replies: List[dict]) -> List[dict]:
        """A rating question (its buttons carry nps_score, effort_score or csat_score) gets an answer."""
        for reply in replies:
            payloads = [b.get("payload", "") for b in reply.get("buttons") or []]
            kind = next((k for k in SCORES if any(k in p for p in payloads)), None)
            if kind:
                score = self.rng.choice(SCORES[kind])
                return replies + self.say(f'/rate_support{{"{kind}": "{score}"}}')
        return replies


class Agent:
    """The demo agent, through the console API."""

    def __init__(self, web_url: str, password: str) -> None:
        self.web_url = web_url
        login = f"{web_url}/api/auth/login"
        self.token: str = _json_object(_post(login, {"username": "demo", "password": password}), login)["token"]

    def handle(self, conversation_id: str, language: str, resolve: bool) -> None:
        url = f"{self.web_url}/api/cases?status=open"
        cases = _json_object(_get(url, self.token), url)["cases"]
        case = next((c for c in cases if c["conversation_id"] == conversation_id), None)
        if case is None:
            return
        base = f"{self.web_url}/api/cases/{case['id']}"
        _post(f"{base}/claim", {}, self.token)
        _post(f"{base}/messages", {"text": AGENT_REPLY[language]}, self.token)
        _post(f"{base}/{'resolve' if resolve else 'handback'}", {}, self.token)


def _orders() -> List[dict]:
    shop = json.loads(DEMO_SHOP.read_text("utf-8"))
    emails = {c["id"]: c["email"] for c in shop["customers"]}
    return [{"id": o["id"], "email": emails[o["customer"]], "status": o["status"]} for o in shop["orders"]]


def play(n: int, rasa_url: str, web_url: str, agent_password: Optional[str], seed: int = 15,
         say: Callable[[str], None] = print) -> Dict[str, int]:
    rng = random.Random(seed)
    run = f"{int(time.time()):x}"
    orders = _orders()
    agent = Agent(web_url, agent_password) if agent_password else None
    played: Dict[str, int] = {}
    for i in range(n):
        language = rng.choices(["es", "en", "pt"], weights=[5, 3, 2])[0]
        words = ASK[language]
        customer = Customer(rasa_url, f"demo-{run}-{i}", language, rng)
        kind = rng.choices(["faq", "order", "policy", "lost", "damaged", "person"], weights=[35, 25, 10, 10, 8, 12])[0]
        if rng.random() < 0.5:
            customer.say(rng.choice(words["hello"]))
        if kind == "faq":
            customer.say(rng.choice(words["faq"]))
        elif kind == "policy":
            customer.say(rng.choice(words["policy"]))
        elif kind == "lost":
            customer.say(rng.choice(words["lost"]))
            if rng.random() < 0.5:
                customer.say(rng.choice(words["lost"]))
        elif kind in ("order", "damaged"):
            order = rng.choice([o for o in orders if (o["status"] == "delivered") == (kind == "damaged")] or orders)
            template = words["damaged"] if kind == "damaged" else words["order"]
            customer.say(template.format(order=order["id"]))
            customer.say(order["email"])
        if kind == "person" or (kind == "damaged" and rng.random() < 0.5):
            customer.say(words["person"])
            if agent is not None and rng.random() < 0.85:
                agent.handle(customer.sender, language, resolve=rng.random() < 0.8)
                _rate_after_resolve(customer, rasa_url)
        elif rng.random() < 0.7:
            customer.say(rng.choice(words["bye"]))
        played[kind] = played.get(kind, 0) + 1
        if (i + 1) % 25 == 0 or i + 1 == n:
            say(f"  {i + 1}/{n} conversations")
    return played


def _rate_after_resolve(customer: Customer, rasa_url: str) -> None:
    """After a resolve, Rasa asked the CSAT question itself: answer it as a customer would."""
    if customer.rng.random() < 0.8:
        customer.say(f'/rate_support{{"csat_score": "{customer.rng.choice(SCORES["csat_score"])}"}}')


def main(n: int, env: Optional[Mapping[str, str]] = None) -> int:
    if not 1 <= n <= MAX_CONVERSATIONS:
        print(f"demo-traffic: N must be between 1 and {MAX_CONVERSATIONS}", file=sys.stderr)
        return 2
    loaded = settings.load(env)
    rasa_url = loaded.web.rasa_url
    web_url = f"http://127.0.0.1:{loaded.web.port}"
    password = loaded.handoff.demo_agent_password
    if not password:
        print("BOT_DEMO_AGENT_PASSWORD is not set: handed-over cases will wait in the console unanswered.")
    print(f"Playing {n} demo conversations through {rasa_url} …")
    try:
        played = play(n, rasa_url, web_url, password)
    except (urllib.error.URLError, OSError) as error:
        print(f"demo-traffic: the bot isn't answering at {rasa_url} or {web_url} ({error}); start it with `make run`.",
              file=sys.stderr)
        return 1
    print("Done: " + ", ".join(f"{kind} {count}" for kind, count in sorted(played.items()))
          + f". See {web_url}/agent/insights")
    return 0
