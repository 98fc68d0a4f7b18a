"""What the bot should say, computed from domain.yml and the demo shop's facts (seeded today),
so tests follow the editors' wording instead of copying it."""
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Optional

import yaml

from bot.responses import response_text
from bot.shop import formatting

DOMAIN = yaml.safe_load(Path("domain.yml").read_text("utf-8"))
SHOP = json.loads(Path("shop/demo_shop.json").read_text("utf-8"))
ORDERS = {o["id"]: o for o in SHOP["orders"]}


def says(name: str, language: str, **values) -> str:
    """What the bot says for response `name` in `language`, with these values filled in."""
    return response_text(DOMAIN, name, language).format(**values)


def day(offset: Optional[int], language: str) -> str:
    return formatting.day(date.today() + timedelta(days=offset), language) if offset is not None else ""


def order_status_text(order_id: str, language: str) -> str:
    order = ORDERS[order_id]
    return says(
        f"utter_order_status_{order['status']}", language, order_id=order_id, carrier=order["carrier"] or "",
        tracking_number=order["tracking_number"] or "", eta=day(order["estimated_delivery_days"], language),
        tracking_url=formatting.tracking_url(order["carrier"], order["tracking_number"]),
        delivered_on=day(order["delivered_days"], language),
    )


def matches(text: str, name: str, language: str, **values) -> bool:
    """Whether `text` is response `name` with these values; placeholders not given (generated
    ids like RMA-5003) may be anything without spaces."""
    import re

    template = response_text(DOMAIN, name, language)
    pattern = ""
    for literal, field, _, _ in __import__("string").Formatter().parse(template):
        pattern += re.escape(literal)
        if field is not None:
            pattern += re.escape(str(values[field])) if field in values else r"\S+"
    return re.fullmatch(pattern, text) is not None
