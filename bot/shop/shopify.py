"""Shop backend on a Shopify store, through the Admin REST API (version 2024-01 by default).

Why Shopify rather than WooCommerce: it is the hosted platform most small shops use, so it is
the connector most of them can use as is. Its Admin REST API is versioned by date, and each
version is supported for at least a year. It authenticates with one access token sent in a
header (WooCommerce uses a consumer key and secret, signed with OAuth 1.0a when not on HTTPS).
It pages lists with cursors in the `Link` header, which stay correct while new orders come in.
(Shopify has called REST "legacy" since October 2024 and points new apps to GraphQL. Custom apps
that a shop installs itself can still use REST.)

Where things come from:
- Shopify: orders (`orders.json?name=%23100234&status=any`), customers (`customers/{id}.json`,
  `customers/search.json?query=email:...`), a customer's orders (`customers/{id}/orders.json`,
  every page up to MAX_PAGES), tracking (the order's `fulfillments`), cancelling (`orders/{id}/cancel.json`)
  and changing the shipping address (`PUT orders/{id}.json`).
- `records`, another ShopBackend (e.g. our SQL one): returns/RMAs and incidents. Shopify's REST
  API has no resource for either, so `returns_for`, `open_return`, `incidents_of` and
  `open_incident` are passed to it, keyed by the ids this class returns: Shopify order numbers
  ("100234") and Shopify customer ids ("6000000001").

How a Shopify order becomes one of our statuses: `cancelled_at` set -> cancelled;
financial_status refunded -> returned; fulfilled -> in_transit (shipment_status in_transit or
out_for_delivery), delivered, or otherwise shipped; partially fulfilled -> preparing; unfulfilled
-> pending_payment if financial_status is pending, else paid. Fulfilment is checked before
payment, so a cash-on-delivery order (pending until delivered) still shows where it is.
Orders can be cancelled or re-addressed only while nothing in them is fulfilled. We check this
before asking Shopify to change anything.

Conventions the shop follows: order names are "#" + order_number; amounts are in EUR, the
shop's currency. Customer tags "vip" and "lang:xx" give the tier and language; without a
language tag, the language follows the country. Customers created in the last 30 days are
"new". A line item property `final_sale` = true marks a final-sale item. A line's category is
its `product_type`, lower-cased, with spaces as "_" ("default" when there is none). The REST API
has no delivery estimate, so we use the fulfillment's `estimated_delivery_at` when it has one.
The delivery day is the day of the fulfillment's last update once it says delivered. The
address text is "address1, address2, zip city, province"; the country is `ship_to_country`.
Cancelling uses reason "customer" and has Shopify email the customer.

Failures: a 429 is retried at most twice, after waiting as long as `Retry-After` says, if that is
no more than MAX_RETRY_WAIT_S. Every other error status, a timeout, a connection error or an
answer we can't use raises BackendUnavailable. Logs name the endpoint with its ids masked, and
never include query strings, bodies or the token.
"""
from __future__ import annotations

import asyncio
import json
import logging
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, TypeVar

import aiohttp
from yarl import URL

from bot.locales import language_of_country
from bot.shop.backend import BackendUnavailable, OrderNotChangeable, ShopBackend
from bot.shop.identifiers import phone_key
from bot.shop.model import Customer, Incident, Order, OrderLine, ReturnRecord

logger = logging.getLogger(__name__)

MAX_PAGES = 20
PAGE_LIMIT = 250  # Shopify's maximum page size
MAX_RETRIES_429 = 2
MAX_RETRY_WAIT_S = 2.0
NEW_CUSTOMER_DAYS = 30
CHANGEABLE = ("pending_payment", "paid")  # nothing fulfilled yet
PAYMENT_BY_GATEWAY = {"shopify_payments": "card", "stripe": "card", "cash_on_delivery_cod": "cash_on_delivery"}
SHOPIFY_ID = re.compile(r"[0-9]{1,20}")
EMAIL = re.compile(r"[^@\s\"'\\()]+@[^@\s\"'\\()]+\.[^@\s\"'\\()]+")  # nothing that could change a search query
T = TypeVar("T")


class ShopifyBackend:
    def __init__(self, base_url: str, access_token: str, records: ShopBackend, timeout_s: float = 3.0, api_version: str = "2024-01") -> None:
        self._api = URL(base_url.rstrip("/") + f"/admin/api/{api_version}")
        self._headers = {"X-Shopify-Access-Token": access_token, "Accept": "application/json"}
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self.records = records

    # --- orders -------------------------------------------------------------------------------
    async def find_order(self, order_id: str) -> Optional[Order]:
        raw = await self._raw_order(order_id)
        return None if raw is None else _usable(lambda: _order(raw))

    async def orders_of(self, customer_id: str) -> List[Order]:
        if not _is_id(customer_id):
            return []
        raws = await self._all_pages(f"customers/{customer_id}/orders.json", {"status": "any", "limit": PAGE_LIMIT}, "orders")
        newest_first = _usable(lambda: sorted(raws, key=lambda raw: _datetime(raw["created_at"]), reverse=True))
        return _usable(lambda: [_order(raw) for raw in newest_first])

    async def cancel_order(self, order_id: str) -> Order:
        shopify_id = await self._changeable_order(order_id)
        data = await self._call("POST", self._url(f"orders/{shopify_id}/cancel.json"), {"reason": "customer", "email": True})
        return _usable(lambda: _order(data["order"]))

    async def change_address(self, order_id: str, address: str) -> Order:
        shopify_id = await self._changeable_order(order_id)
        # The bot collects one free-text address: it goes into address1, and the other street
        # fields are cleared so no old city or postcode stays. The country stays as it was (it is
        # `ship_to_country`, not part of the address text), so the text reads back as given.
        new_address = {"address1": address.strip(), "address2": "", "city": "", "province": "", "zip": ""}
        body = {"order": {"id": shopify_id, "shipping_address": new_address}}
        data = await self._call("PUT", self._url(f"orders/{shopify_id}.json"), body)
        return _usable(lambda: _order(data["order"]))

    async def _raw_order(self, order_id: str) -> Optional[Dict[str, Any]]:
        number = order_id.strip().lstrip("#") if isinstance(order_id, str) else ""
        if not _is_id(number):
            return None
        data = await self._call("GET", self._url("orders.json", {"name": f"#{number}", "status": "any"}))
        return _usable(lambda: next((o for o in _list(data, "orders") if str(o["order_number"]) == number), None))

    async def _changeable_order(self, order_id: str) -> int:
        """Shopify's id of an order that nothing has been fulfilled from yet."""
        raw = await self._raw_order(order_id)
        if raw is None:
            raise OrderNotChangeable("no such order")
        status = _usable(lambda: _order(raw).status)
        if status not in CHANGEABLE:
            raise OrderNotChangeable(f"order is {status}")
        return _usable(lambda: int(raw["id"]))

    # --- customers ----------------------------------------------------------------------------
    async def find_customer(self, customer_id: str) -> Optional[Customer]:
        if not _is_id(customer_id):
            return None
        data = await self._call("GET", self._url(f"customers/{customer_id}.json"), missing_ok=True)
        return None if data is None else _usable(lambda: _customer(data["customer"]))

    async def find_customer_by_email(self, email: str) -> Optional[Customer]:
        email = email.strip().lower() if isinstance(email, str) else ""
        if not EMAIL.fullmatch(email):
            return None
        return await self._search_customer(f"email:{email}", lambda raw: (raw.get("email") or "").lower() == email)

    async def find_customer_by_phone(self, phone: str) -> Optional[Customer]:
        key = phone_key(phone)
        if key is None:
            return None
        return await self._search_customer(f"phone:+{key}", lambda raw: phone_key(raw.get("phone")) == key)

    async def _search_customer(self, query: str, matches: Callable[[Dict[str, Any]], bool]) -> Optional[Customer]:
        """Shopify's search is fuzzy: we keep only an exact match."""
        data = await self._call("GET", self._url("customers/search.json", {"query": query}))
        return _usable(lambda: next((_customer(c) for c in _list(data, "customers") if matches(c)), None))

    # --- kept in our own records: Shopify's REST API has no returns or incidents ------------------
    async def returns_for(self, order_id: str) -> List[ReturnRecord]:
        return await self.records.returns_for(order_id)

    async def open_return(self, order_id: str, skus: Sequence[str], reason: str, today: date) -> ReturnRecord:
        return await self.records.open_return(order_id, skus, reason, today)

    async def incidents_of(self, customer_id: str) -> List[Incident]:
        return await self.records.incidents_of(customer_id)

    async def open_incident(self, customer_id: str, order_id: Optional[str], summary: str, today: date) -> Incident:
        return await self.records.open_incident(customer_id, order_id, summary, today)

    # --- HTTP ---------------------------------------------------------------------------------
    def _url(self, path: str, query: Optional[Dict[str, Any]] = None) -> URL:
        url = URL(f"{self._api}/{path}")
        return url.with_query(query) if query else url

    async def _all_pages(self, path: str, query: Dict[str, Any], key: str) -> List[Dict[str, Any]]:
        items: List[Dict[str, Any]] = []
        url = self._url(path, query)
        for _ in range(MAX_PAGES):
            data, next_url = await self._call_paged(url)
            items.extend(_usable(lambda: _list(data, key)))
            if next_url is None:
                return items
            if next_url.origin() != self._api.origin() or not next_url.path.startswith(self._api.path + "/"):
                logger.warning("Shopify pagination link points elsewhere; not followed")
                raise BackendUnavailable("Shopify pagination link points outside the shop")
            url = next_url
        logger.warning("Shopify %s: stopped after %d pages", self._endpoint("GET", url), MAX_PAGES)
        return items

    async def _call(self, method: str, url: URL, body: Any = None, missing_ok: bool = False) -> Any:
        data, _ = await self._call_paged(url, method, body, missing_ok)
        return data

    async def _call_paged(self, url: URL, method: str = "GET", body: Any = None, missing_ok: bool = False) -> Tuple[Any, Optional[URL]]:
        """(JSON answer, URL of the next page or None); (None, None) for a 404 when missing_ok."""
        endpoint = self._endpoint(method, url)
        try:
            async with aiohttp.ClientSession(headers=self._headers, timeout=self._timeout) as session:
                for attempt in range(MAX_RETRIES_429 + 1):
                    async with session.request(method, url, json=body) as response:
                        status, payload = response.status, await response.read()
                        retry_after, next_link = response.headers.get("Retry-After"), response.links.get("next")
                    wait = _retry_wait(retry_after) if status == 429 and attempt < MAX_RETRIES_429 else None
                    if wait is None:
                        break
                    logger.info("Shopify %s: 429, retrying in %.1f s", endpoint, wait)
                    await asyncio.sleep(wait)
        except (asyncio.TimeoutError, aiohttp.ClientError) as error:
            logger.warning("Shopify %s: no answer (%s)", endpoint, type(error).__name__)
            raise BackendUnavailable(f"Shopify did not answer {endpoint}") from None
        if status == 404 and missing_ok:
            return None, None
        if not 200 <= status < 300:
            logger.warning("Shopify %s: HTTP %d", endpoint, status)
            raise BackendUnavailable(f"Shopify answered HTTP {status} to {endpoint}")
        try:
            data = json.loads(payload)
        except ValueError:
            logger.warning("Shopify %s: answer is not JSON", endpoint)
            raise BackendUnavailable(f"Shopify answered garbage to {endpoint}") from None
        return data, (URL(str(next_link["url"])) if next_link else None)

    def _endpoint(self, method: str, url: Optional[URL]) -> str:
        """"GET customers/:id/orders.json": loggable, with no ids, query or personal data."""
        path = url.path[len(self._api.path) + 1:] if url is not None else "?"
        return f"{method} {re.sub(r'[0-9]+', ':id', path)}"


def _retry_wait(retry_after: Optional[str]) -> Optional[float]:
    """Seconds to wait before retrying a 429, or None when Shopify asks for longer than we wait."""
    try:
        wait = float(retry_after) if retry_after else 1.0
    except ValueError:
        wait = 1.0
    return max(wait, 0.0) if wait <= MAX_RETRY_WAIT_S else None


# --- Shopify payloads -> our records (any KeyError/TypeError/ValueError means an unusable answer)
def _usable(build: Callable[[], T]) -> T:
    try:
        return build()
    except (KeyError, IndexError, TypeError, ValueError, AttributeError, ArithmeticError) as error:
        logger.warning("Shopify answer unusable (%s)", type(error).__name__)
        raise BackendUnavailable("Shopify answered something unusable") from None


def _list(data: Any, key: str) -> List[Dict[str, Any]]:
    items = data[key]
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise TypeError(f"{key} is not a list of objects")
    return items


def _order(raw: Dict[str, Any]) -> Order:
    if not isinstance(raw, dict):
        raise TypeError("order is not an object")
    fulfillment = _latest_fulfillment(raw)
    shipment = fulfillment.get("shipment_status") if fulfillment else None
    address = raw.get("shipping_address") or {}
    customer = raw.get("customer") or {}
    return Order(
        id=str(raw["order_number"]),
        customer_id=str(customer["id"]) if customer.get("id") is not None else "",
        placed_on=_required_date(raw["created_at"]),
        status=_status(raw, shipment),
        ship_to_country=(address.get("country_code") or "").upper(),
        payment=_payment(raw.get("payment_gateway_names") or []),
        total_eur=Decimal(str(raw["total_price"])),
        lines=tuple(_line(item) for item in raw.get("line_items") or []),
        carrier=fulfillment.get("tracking_company") if fulfillment else None,
        tracking_number=fulfillment.get("tracking_number") if fulfillment else None,
        shipped_on=_date(fulfillment.get("created_at")) if fulfillment else None,
        estimated_delivery=_date(fulfillment.get("estimated_delivery_at")) if fulfillment else None,
        delivered_on=_date(fulfillment.get("updated_at")) if fulfillment and shipment == "delivered" else None,
        shipping_address=_address_text(address),
    )


def _status(raw: Dict[str, Any], shipment: Optional[str]) -> str:
    if raw.get("cancelled_at"):
        return "cancelled"
    if raw.get("financial_status") == "refunded":
        return "returned"
    fulfillment_status = raw.get("fulfillment_status")
    if fulfillment_status == "fulfilled":
        if shipment in ("in_transit", "out_for_delivery"):
            return "in_transit"
        return "delivered" if shipment == "delivered" else "shipped"
    if fulfillment_status == "partial":
        return "preparing"
    return "pending_payment" if raw.get("financial_status") == "pending" else "paid"


def _latest_fulfillment(raw: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    live = [f for f in raw.get("fulfillments") or [] if f.get("status") not in ("cancelled", "error", "failure")]
    if not live:
        return None
    return max(live, key=lambda f: _datetime(f["created_at"]))


def _line(item: Dict[str, Any]) -> OrderLine:
    properties = {str(p.get("name")): str(p.get("value")).lower() for p in item.get("properties") or []}
    return OrderLine(
        sku=item.get("sku") or "",
        title=item.get("title") or item.get("name") or "",
        category=re.sub(r"\s+", "_", (item.get("product_type") or "").strip().lower()) or "default",
        qty=int(item["quantity"]),
        price_eur=Decimal(str(item["price"])),
        final_sale=properties.get("final_sale") in ("true", "yes", "1"),
    )


def _customer(raw: Dict[str, Any]) -> Customer:
    tags = {tag.strip().lower() for tag in str(raw.get("tags") or "").split(",") if tag.strip()}
    country = ((raw.get("default_address") or {}).get("country_code") or "").upper()
    language = next((tag[5:] for tag in sorted(tags) if tag.startswith("lang:")), None)
    since = _required_date(raw["created_at"])
    new = (date.today() - since).days <= NEW_CUSTOMER_DAYS
    return Customer(
        id=str(raw["id"]),
        name=" ".join(part for part in (raw.get("first_name"), raw.get("last_name")) if part),
        email=raw.get("email") or "",
        phone=raw.get("phone") or "",
        country=country,
        language=language or language_of_country(country),  # CLDR + shop/languages.yml
        tier="vip" if "vip" in tags else "new" if new else "regular",
        customer_since=since,
    )


def _payment(gateways: List[str]) -> str:
    name = re.sub(r"[^a-z0-9]+", "_", str(gateways[0]).lower()).strip("_") if gateways else ""
    return PAYMENT_BY_GATEWAY.get(name, name or "unknown")


def _address_text(address: Dict[str, Any]) -> Optional[str]:
    town = " ".join(part for part in (address.get("zip"), address.get("city")) if part)
    parts = (address.get("address1"), address.get("address2"), town, address.get("province"))
    return ", ".join(part for part in parts if part) or None


def _is_id(value: str) -> bool:
    return isinstance(value, str) and SHOPIFY_ID.fullmatch(value) is not None


def _datetime(value: str) -> datetime:
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def _date(value: Optional[str]) -> Optional[date]:
    """The calendar day in the shop's time zone: Shopify writes times with the shop's offset."""
    return _datetime(value).date() if value else None


def _required_date(value: Optional[str]) -> date:
    """A day Shopify always gives (when an order or customer was created): without it the answer is unusable."""
    day = _date(value)
    if day is None:
        raise ValueError("a required date is missing")
    return day
