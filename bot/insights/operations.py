"""What customers contact the shop about, from the conversations and the shop's records: top
contact reasons by product category, carriers with the most late-order contacts, products with
the most damaged or wrong-item reports, and what the bot didn't understand (the review's groups,
bot/editor/review.py)."""
from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from typing import Any, Dict, List, Tuple

from bot.editor import review
from bot.editor.review import mask
from bot.insights import metrics
from bot.insights.reading import Data
from bot.languages import default_language
from bot.shop.backend import BackendUnavailable

TOP = 10
MAX_ORDER_LOOKUPS = 500
EXAMPLES_PER_GROUP = 5


async def _orders(data: Data, backend) -> Dict[str, Any]:
    wanted = list(dict.fromkeys(o for c in data.conversations for o in c.order_ids))[:MAX_ORDER_LOOKUPS]

    async def one(order_id: str):
        try:
            return order_id, await backend.find_order(order_id)
        except BackendUnavailable:
            return order_id, None

    return {order_id: order for order_id, order in await asyncio.gather(*(one(o) for o in wanted)) if order is not None}


async def operational(data: Data, backend) -> Dict[str, Any]:
    orders = await _orders(data, backend)
    reasons: Counter[Tuple[str, str]] = Counter()  # (product category, topic) → contacts
    late: Counter[str] = Counter()  # carrier → contacts
    damaged: Counter[str] = Counter()  # product title → contacts
    keys: Dict[Any, List[dict]] = defaultdict(list)  # each figure's conversations, described
    for conversation in data.conversations:
        order = next((orders[o] for o in reversed(conversation.order_ids) if o in orders), None)
        topic = conversation.topic
        categories = conversation.product_categories or sorted({line.category for line in order.lines} if order else [])
        if topic:
            for category in categories:
                reasons[(category, topic)] += 1
                keys[(category, topic)].append(metrics.describe(conversation, data))
        if conversation.late_order and order is not None and order.carrier:
            late[order.carrier] += 1
            keys[("carrier", order.carrier)].append(metrics.describe(conversation, data))
        if "damaged_item" in conversation.intents and order is not None:
            for title in sorted({line.title for line in order.lines}):
                damaged[title] += 1
                keys[("product", title)].append(metrics.describe(conversation, data))
    return {
        "contact_reasons_by_category": [{"category": category, "topic": topic, "contacts": n,
                                         "conversations": keys[(category, topic)][:50]}
                                        for (category, topic), n in reasons.most_common(TOP)],
        "late_carriers": [{"carrier": c, "contacts": n, "conversations": keys[("carrier", c)][:50]} for c, n in late.most_common(TOP)],
        "damaged_products": [{"product": p, "contacts": n, "conversations": keys[("product", p)][:50]} for p, n in damaged.most_common(TOP)],
        "not_understood": not_understood(data),
    }


def not_understood(data: Data) -> List[Dict[str, Any]]:
    """The review's groups (language × predicted intent) of the range's messages the bot didn't
    get: fell back, low confidence, or rephrased right after."""
    in_range = {c.sender_id for c in data.conversations}
    found = review.review({s: e for s, e in data.all_events().items() if s in in_range}, default_language())
    groups: Dict[tuple, List] = defaultdict(list)
    for message in found.flagged:
        if not set(message.reasons) - {"before a handoff"}:
            continue  # understood, just followed by a handoff
        if data.window.contains(message.timestamp) and (data.window.language in (None, message.language)):
            groups[(message.language, message.intent or review.FALLBACK_INTENT)].append(message)
    ordered = sorted(groups.items(), key=lambda item: -len(item[1]))[:TOP * 2]
    return [{"language": language, "predicted": intent, "messages": len(messages),
             "reasons": dict(Counter(r for m in messages for r in m.reasons).most_common()),
             "examples": list(dict.fromkeys(" ".join(mask(m.text).split()) for m in messages))[:EXAMPLES_PER_GROUP]}
            for (language, intent), messages in ordered]
