"""The shop's return policy and what it means for a given order, line or return.

Plain functions over the records in bot/shop/model.py; no Rasa here, so actions and tests
share one answer. Every answer carries keys ("hygiene", "window_passed", ...), never sentences:
the bot's sentences live elsewhere, in three languages.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Dict, FrozenSet, List, Optional, Tuple

import yaml

from bot.shop.model import Order, OrderLine, ReturnRecord

KEY = re.compile(r"^[a-z][a-z0-9_]*$")
COUNTRY = re.compile(r"^[A-Z]{2}$")
# How a type is named in error messages, for a shop owner rather than a programmer.
KIND_NAMES = {int: "a whole number like 30", bool: "true or false", str: "a text",
              dict: "a section of keys", list: "a list like [ES, PT]"}


@dataclass(frozen=True)
class DamagedPolicy:
    report_within_days: int
    free_return: bool
    replacement_offered: bool
    photo_requested: bool


@dataclass(frozen=True)
class ExchangePolicy:
    allowed: bool
    kinds: Tuple[str, ...]
    free: bool
    within_return_window: bool


@dataclass(frozen=True)
class ReturnPolicy:
    default_window_days: int
    window_days_by_category: Dict[str, int]
    not_returnable: Dict[str, str]  # category -> reason key
    final_sale_returnable: bool
    condition: str
    free_return_countries: FrozenSet[str]
    label_cost_eur: Decimal
    refund_to: str
    refund_business_days: int
    exchanges: ExchangePolicy
    damaged: DamagedPolicy
    missing_parcel_wait_days: int = 2


@dataclass(frozen=True)
class LineEligibility:
    sku: str
    title: str
    returnable: bool
    reason: Optional[str]  # why not, as a key; None when returnable
    last_day: Optional[date]  # last day a return may be started, when there is a window


@dataclass(frozen=True)
class RefundState:
    status: str  # not_received_yet | processing | issued | rejected
    refund_eur: Decimal
    issued_on: Optional[date]
    expected_by: Optional[date]
    refund_to: str
    reason: Optional[str]
    overdue: bool = False  # processing and today is past expected_by: worth escalating


@dataclass(frozen=True)
class CategoryRule:
    returnable: bool
    reason: Optional[str]
    window_days: Optional[int]


@dataclass(frozen=True)
class DamagedTerms:
    within_report_window: bool
    report_by: Optional[date]
    free_return: bool
    replacement_offered: bool
    photo_requested: bool


# ---------------------------------------------------------------- loading and validation

def load_policy(path: Path = Path("shop/return_policy.yml")) -> ReturnPolicy:
    """Reads and validates the policy file; a mistake raises ValueError naming the key."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path}: the policy must be a mapping of keys, got {type(data).__name__}")
    try:
        return _policy_from(data)
    except ValueError as error:
        raise ValueError(f"{path}: {error}") from None


def _policy_from(data: dict) -> ReturnPolicy:
    windows = _get(data, "window_days_from_delivery", dict)
    not_returnable = _get(data, "not_returnable_categories", dict)
    shipping = _get(data, "return_shipping", dict)
    refund = _get(data, "refund", dict)
    exchanges = _get(data, "exchanges", dict)
    damaged = _get(data, "damaged_or_wrong_item", dict)
    missing = data.get("missing_parcel") or {}
    return ReturnPolicy(
        default_window_days=_get(windows, "default", int, "window_days_from_delivery"),
        window_days_by_category={
            str(category): _get(windows, category, int, "window_days_from_delivery")
            for category in windows if category != "default"
        },
        not_returnable={
            str(category): _key(not_returnable, category, "not_returnable_categories")
            for category in not_returnable
        },
        final_sale_returnable=_get(data, "final_sale_returnable", bool),
        condition=_key(data, "condition"),
        free_return_countries=frozenset(_countries(shipping, "free_countries", "return_shipping")),
        label_cost_eur=_money(shipping, "label_cost_eur_elsewhere", "return_shipping"),
        refund_to=_key(refund, "to", "refund"),
        refund_business_days=_get(refund, "business_days_after_receipt", int, "refund"),
        exchanges=ExchangePolicy(
            allowed=_get(exchanges, "allowed", bool, "exchanges"),
            kinds=tuple(_key_list(exchanges, "kinds", "exchanges")),
            free=_get(exchanges, "free", bool, "exchanges"),
            within_return_window=_get(exchanges, "within_return_window", bool, "exchanges"),
        ),
        damaged=DamagedPolicy(
            report_within_days=_get(damaged, "report_within_days", int, "damaged_or_wrong_item"),
            free_return=_get(damaged, "free_return", bool, "damaged_or_wrong_item"),
            replacement_offered=_get(damaged, "replacement_offered", bool, "damaged_or_wrong_item"),
            photo_requested=_get(damaged, "photo_requested", bool, "damaged_or_wrong_item"),
        ),
        missing_parcel_wait_days=_get(missing, "wait_days", int, "missing_parcel") if "wait_days" in missing else 2,
    )


def _get(mapping: dict, key, kind: type, where: str = ""):
    """mapping[key], checked to be a `kind`; the error names the full key, e.g. 'refund.to'."""
    name = f"{where}.{key}" if where else str(key)
    if key not in mapping or mapping[key] is None:
        raise ValueError(f"'{name}' is missing")
    value = mapping[key]
    # YAML true/false are ints to Python: don't accept them as a number of days.
    wrong_bool = kind is int and isinstance(value, bool)
    if wrong_bool or not isinstance(value, kind):
        raise ValueError(f"'{name}' must be {KIND_NAMES[kind]}, got {value!r}")
    if kind is int and isinstance(value, int) and value < 0:
        raise ValueError(f"'{name}' must not be negative, got {value}")
    return value


def _key(mapping: dict, key, where: str = "") -> str:
    """A value that is a key like 'hygiene', not a sentence (sentences are translated elsewhere)."""
    value = _get(mapping, key, str, where)
    if not KEY.match(value):
        name = f"{where}.{key}" if where else key
        raise ValueError(f"'{name}' must be a key like 'hygiene' (lower case, underscores), got {value!r}")
    return value


def _key_list(mapping: dict, key, where: str) -> List[str]:
    return _list_matching(mapping, key, where, KEY, "keys like 'size'")


def _countries(mapping: dict, key, where: str) -> List[str]:
    return _list_matching(mapping, key, where, COUNTRY, "2-letter country codes like ES")


def _list_matching(mapping: dict, key, where: str, pattern, what: str) -> List[str]:
    values = _get(mapping, key, list, where)
    for value in values:
        if not isinstance(value, str) or not pattern.match(value):
            raise ValueError(f"'{where}.{key}' must list {what}, got {value!r}")
    return values


def _money(mapping: dict, key, where: str) -> Decimal:
    value = mapping.get(key)
    if value is None:
        raise ValueError(f"'{where}.{key}' is missing")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ValueError(f"'{where}.{key}' must be an amount in EUR like 6.95, got {value!r}")
    # Through str() so 6.95 stays 6.95 and does not become 6.9500000000000001776...
    return Decimal(str(value)).quantize(Decimal("0.01"))


# ---------------------------------------------------------------- answers

def category_rule(policy: ReturnPolicy, category: str) -> CategoryRule:
    """For questions without an order: "can I return swimwear?"."""
    category = category.strip().lower()
    if category in policy.not_returnable:
        return CategoryRule(returnable=False, reason=policy.not_returnable[category], window_days=None)
    return CategoryRule(returnable=True, reason=None, window_days=_window_days(policy, category))


def line_eligibility(policy: ReturnPolicy, order: Order, line: OrderLine, today: date) -> LineEligibility:
    """Whether this line can be returned today, and if not, why (as a key)."""
    def answer(reason: Optional[str], last_day: Optional[date] = None) -> LineEligibility:
        return LineEligibility(line.sku, line.title, reason is None, reason, last_day)

    if order.status == "cancelled":
        return answer("cancelled")
    if order.status == "returned":
        return answer("already_returned")
    # Permanent item rules come before "not delivered yet": telling someone to wait for a
    # personalised mug that can never be returned would be misleading.
    rule = category_rule(policy, line.category)
    if not rule.returnable:
        return answer(rule.reason)
    if line.final_sale and not policy.final_sale_returnable:
        return answer("final_sale")
    if order.status != "delivered" or order.delivered_on is None:
        return answer("not_delivered")
    if rule.window_days is None:  # never: category_rule gives every returnable category a window
        raise ValueError(f"no return window for category {line.category!r}")
    last_day = order.delivered_on + timedelta(days=rule.window_days)
    return answer(None if today <= last_day else "window_passed", last_day)


def order_eligibility(policy: ReturnPolicy, order: Order, today: date) -> List[LineEligibility]:
    return [line_eligibility(policy, order, line, today) for line in order.lines]


def return_label_cost(policy: ReturnPolicy, country: str) -> Decimal:
    """What the customer pays for the return label from `country` (ISO code)."""
    if country.strip().upper() in policy.free_return_countries:
        return Decimal("0")
    return policy.label_cost_eur


def refund_expectation(policy: ReturnPolicy, record: ReturnRecord, today: date) -> RefundState:
    """Where the money of a return is, and by when it should arrive while we process it."""
    refund_to = record.refund_to or policy.refund_to

    def state(status: str, expected_by: Optional[date] = None) -> RefundState:
        overdue = expected_by is not None and today > expected_by
        return RefundState(status, record.refund_eur, record.refund_issued_on, expected_by, refund_to,
                           record.reason, overdue)

    if record.status == "refund_issued":
        return state("issued")
    if record.status == "rejected":
        return state("rejected")
    if record.status not in ("requested", "received"):
        raise ValueError(f"return {record.rma} has an unknown status {record.status!r}")
    if record.received_on is None:
        # "received" without a date: we know it is being processed, not by when.
        return state("not_received_yet" if record.status == "requested" else "processing")
    # A "requested" record with a receipt date means the warehouse got it before the status moved.
    return state("processing", add_business_days(record.received_on, policy.refund_business_days))


def damaged_item_terms(policy: ReturnPolicy, order: Order, today: date) -> DamagedTerms:
    """What we offer for a damaged or wrong item, and whether it is still time to report it."""
    terms = policy.damaged
    report_by = None
    if order.delivered_on is not None and order.status != "cancelled":
        report_by = order.delivered_on + timedelta(days=terms.report_within_days)
    return DamagedTerms(
        within_report_window=report_by is not None and today <= report_by,
        report_by=report_by,
        free_return=terms.free_return,
        replacement_offered=terms.replacement_offered,
        photo_requested=terms.photo_requested,
    )


def add_business_days(start: date, days: int) -> date:
    """`days` business days after `start`. Business days are Monday to Friday only: there is
    no holiday calendar, so a bank holiday counts as a working day."""
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def _window_days(policy: ReturnPolicy, category: str) -> int:
    return policy.window_days_by_category.get(category, policy.default_window_days)


def missing_parcel_investigation_from(policy: ReturnPolicy, order: Order) -> Optional[date]:
    """The day from which a parcel marked delivered but not received is investigated by a
    person: its delivery date plus the shop's waiting days (neighbours, reception, late scans)."""
    if order.delivered_on is None:
        return None
    return order.delivered_on + timedelta(days=policy.missing_parcel_wait_days)
