"""A small local stand-in for a Shopify store's Admin REST API (2024-01), for tests.

It serves the documented payload shapes, built from shop/demo_shop.json with dates relative
to a given `today`. It runs on 127.0.0.1, on a free port, in a background thread:

    with FakeShopify(today=date.today()) as shop:
        backend = ShopifyBackend(shop.url, shop.token, records)

It rejects requests without the right `X-Shopify-Access-Token`. Switches: `shop.fail = "401" |
"500" | "slow" | "garbage" | "wrong_shape"`, and `shop.throttle(times, retry_after)` to answer
429 to the next `times` requests. A customer's orders come one per page (Link header with
page_info) so paging is exercised; `shop.link_base` makes those links point at another host.
`shop.calls` records (method, path) for every request.
"""
from __future__ import annotations

import asyncio
import base64
import json
import socket
import threading
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from aiohttp import web

DEMO_SHOP = Path(__file__).resolve().parents[2] / "shop" / "demo_shop.json"
API = "/admin/api/2024-01"
CUSTOMER_ID_BASE = 6000000001
ORDER_ID_BASE = 5000000001
SHIPMENT_STATUS = {"in_transit": "in_transit", "delivered": "delivered", "returned": "delivered", "shipped": "confirmed"}
FINANCIAL_STATUS = {"pending_payment": "pending", "cancelled": "voided", "returned": "refunded"}
COUNTRY_NAMES = {"ES": "Spain", "PT": "Portugal", "MX": "Mexico", "BR": "Brazil", "GB": "United Kingdom", "US": "United States"}


class FakeShopify:
    def __init__(self, today: date, token: str = "shpat_fake_test_token", customer_orders_page_size: int = 1) -> None:
        self.today = today
        self.token = token
        self.page_size = customer_orders_page_size
        self.customers, self.orders = demo_store(today)
        self.fail: Optional[str] = None
        self.slow_s = 5.0
        self.link_base: Optional[str] = None  # set to make pagination links point at another host
        self.calls: List[Tuple[str, str]] = []
        self._throttled, self._retry_after = 0, "1.0"
        self._port = 0

    # --- test-facing ----------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    def throttle(self, times: int, retry_after: str = "0.1") -> None:
        self._throttled, self._retry_after = times, retry_after

    def customer_id(self, demo_id: str) -> int:
        """Shopify's id for a demo customer ("c01")."""
        return next(c["id"] for c in self.customers.values() if c["demo_id"] == demo_id)

    def calls_to(self, method: str, path_end: str) -> int:
        return sum(1 for m, path in self.calls if m == method and path.endswith(path_end))

    def __enter__(self) -> "FakeShopify":
        ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, args=(ready,), daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("fake Shopify did not start")
        return self

    def __exit__(self, *exc: Any) -> None:
        self._loop.call_soon_threadsafe(self._stopping.set)
        self._thread.join(10)

    def _serve(self, ready: threading.Event) -> None:
        self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self._loop)
        self._stopping = asyncio.Event()
        runner = web.AppRunner(self._app())
        self._loop.run_until_complete(runner.setup())
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self._port = sock.getsockname()[1]
        self._loop.run_until_complete(web.SockSite(runner, sock).start())
        ready.set()
        self._loop.run_until_complete(self._stopping.wait())
        self._loop.run_until_complete(runner.cleanup())
        self._loop.close()

    # --- HTTP -----------------------------------------------------------------------------------
    def _app(self) -> web.Application:
        app = web.Application(middlewares=[self._checks])
        app.router.add_get(API + "/orders.json", self._orders)
        app.router.add_get(API + r"/orders/{id:\d+}.json", self._order)
        app.router.add_put(API + r"/orders/{id:\d+}.json", self._update_order)
        app.router.add_post(API + r"/orders/{id:\d+}/cancel.json", self._cancel_order)
        app.router.add_get(API + "/customers/search.json", self._search_customers)
        app.router.add_get(API + r"/customers/{id:\d+}.json", self._customer)
        app.router.add_get(API + r"/customers/{id:\d+}/orders.json", self._customer_orders)
        return app

    @web.middleware
    async def _checks(self, request: web.Request, handler) -> web.StreamResponse:
        self.calls.append((request.method, request.path))
        if self.fail == "slow":
            try:
                await asyncio.wait_for(self._stopping.wait(), self.slow_s)
            except asyncio.TimeoutError:
                pass
        if request.headers.get("X-Shopify-Access-Token") != self.token or self.fail == "401":
            return web.json_response({"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"}, status=401)
        if self._throttled > 0:
            self._throttled -= 1
            body = {"errors": "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service."}
            return web.json_response(body, status=429, headers={"Retry-After": self._retry_after})
        if self.fail == "500":
            return web.json_response({"errors": "Internal Server Error"}, status=500)
        if self.fail == "garbage":
            return web.Response(text='{"orders": [{"id": 50000', content_type="application/json")
        if self.fail == "wrong_shape":
            return web.json_response({"orders": "none", "customers": 7, "customer": ["x"], "order": None})
        try:
            return await handler(request)
        except web.HTTPNotFound:
            return web.json_response({"errors": "Not Found"}, status=404)

    async def _orders(self, request: web.Request) -> web.Response:
        name = request.query.get("name")
        found = [o for o in self._visible(request.query.get("status", "open")) if name is None or o["name"] == name]
        return web.json_response({"orders": found})

    async def _order(self, request: web.Request) -> web.Response:
        return web.json_response({"order": self._order_by_id(request)})

    async def _cancel_order(self, request: web.Request) -> web.Response:
        order = self._order_by_id(request)
        if order["cancelled_at"] or order["fulfillment_status"]:
            return web.json_response({"errors": {"base": ["This order can't be cancelled."]}}, status=422)
        body = await request.json() if request.can_read_body else {}
        order["cancelled_at"] = f"{self.today.isoformat()}T12:00:00+01:00"
        order["cancel_reason"] = body.get("reason", "other")
        order["financial_status"] = "voided" if order["financial_status"] == "pending" else "refunded"
        return web.json_response({"order": order})

    async def _update_order(self, request: web.Request) -> web.Response:
        order = self._order_by_id(request)
        changes = (await request.json()).get("order", {})
        if "shipping_address" in changes:
            order["shipping_address"].update(changes["shipping_address"])
        return web.json_response({"order": order})

    async def _search_customers(self, request: web.Request) -> web.Response:
        field, _, value = request.query.get("query", "").partition(":")
        found = [c for c in self.customers.values() if str(c.get(field) or "").lower() == value.strip().lower()]
        return web.json_response({"customers": [_public(c) for c in found]})

    async def _customer(self, request: web.Request) -> web.Response:
        customer = self.customers.get(int(request.match_info["id"]))
        if customer is None:
            raise web.HTTPNotFound()
        return web.json_response({"customer": _public(customer)})

    async def _customer_orders(self, request: web.Request) -> web.Response:
        query = request.query
        if "page_info" in query:  # Shopify: a page_info request may carry only limit besides it
            if set(query) - {"page_info", "limit"}:
                return web.json_response({"errors": {"page_info": ["Only limit may be sent with page_info"]}}, status=400)
            cursor = json.loads(base64.urlsafe_b64decode(query["page_info"]))
        else:
            cursor = {"status": query.get("status", "open"), "offset": 0}
        customer_id = int(request.match_info["id"])
        mine = [o for o in self._visible(cursor["status"]) if o["customer"]["id"] == customer_id]
        limit = min(int(query.get("limit", 50)), self.page_size)
        start = cursor["offset"]
        links = []
        if start > 0:
            links.append(self._page_link(request, limit, cursor["status"], max(start - limit, 0), "previous"))
        if start + limit < len(mine):
            links.append(self._page_link(request, limit, cursor["status"], start + limit, "next"))
        headers = {"Link": ", ".join(links)} if links else {}
        return web.json_response({"orders": mine[start:start + limit]}, headers=headers)

    def _page_link(self, request: web.Request, limit: int, status: str, offset: int, rel: str) -> str:
        page_info = base64.urlsafe_b64encode(json.dumps({"status": status, "offset": offset}).encode()).decode()
        return f'<{self.link_base or self.url}{request.path}?limit={limit}&page_info={page_info}>; rel="{rel}"'

    def _visible(self, status: str) -> List[Dict[str, Any]]:
        """Orders oldest first; Shopify lists only open ones unless asked for status=any."""
        orders = sorted(self.orders.values(), key=lambda o: o["created_at"])
        return orders if status == "any" else [o for o in orders if not o["cancelled_at"]]

    def _order_by_id(self, request: web.Request) -> Dict[str, Any]:
        order = self.orders.get(int(request.match_info["id"]))
        if order is None:
            raise web.HTTPNotFound()
        return order


def _public(customer: Dict[str, Any]) -> Dict[str, Any]:
    return {key: value for key, value in customer.items() if key != "demo_id"}


def demo_store(today: date) -> Tuple[Dict[int, Dict[str, Any]], Dict[int, Dict[str, Any]]]:
    """Shopify customers and orders (by Shopify id) for the demo shop, seeded relative to today."""
    demo = json.loads(DEMO_SHOP.read_text(encoding="utf-8"))

    def at(days: Optional[int], hour: int = 10) -> Optional[str]:
        return None if days is None else f"{(today + timedelta(days=days)).isoformat()}T{hour:02d}:00:00+01:00"

    customers: Dict[int, Dict[str, Any]] = {}
    for number, c in enumerate(demo["customers"]):
        first, _, last = c["name"].partition(" ")
        tags = ", ".join(["VIP"] * (c["tier"] == "vip") + [f"lang:{c['language']}"])
        shopify_id = CUSTOMER_ID_BASE + number
        customers[shopify_id] = {
            "id": shopify_id, "demo_id": c["id"], "email": c["email"], "phone": c["phone"], "first_name": first, "last_name": last,
            "created_at": at(c["customer_since_days"]), "updated_at": at(0), "state": "enabled", "tags": tags, "currency": "EUR",
            "orders_count": sum(o["customer"] == c["id"] for o in demo["orders"]),
            "default_address": {"country_code": c["country"], "country": COUNTRY_NAMES[c["country"]], "default": True},
        }
    by_demo_id = {c["demo_id"]: c for c in customers.values()}

    orders: Dict[int, Dict[str, Any]] = {}
    for number, o in enumerate(demo["orders"]):
        shopify_id = ORDER_ID_BASE + number
        customer = _public(by_demo_id[o["customer"]])
        fulfillments = []
        if o["shipped_days"] is not None:
            fulfillments.append({
                "id": 4000000001 + number, "order_id": shopify_id, "status": "success", "created_at": at(o["shipped_days"]),
                "updated_at": at(o["delivered_days"] if o["delivered_days"] is not None else o["shipped_days"], 15),
                "tracking_company": o["carrier"], "tracking_number": o["tracking_number"], "tracking_numbers": [o["tracking_number"]],
                "tracking_url": f"https://track.example/{o['tracking_number']}", "tracking_urls": [f"https://track.example/{o['tracking_number']}"],
                "shipment_status": SHIPMENT_STATUS[o["status"]], "estimated_delivery_at": at(o["estimated_delivery_days"], 20),
            })
        orders[shopify_id] = {
            "id": shopify_id, "name": f"#{o['id']}", "order_number": int(o["id"]), "email": customer["email"], "phone": customer["phone"],
            "created_at": at(o["placed_days"]), "updated_at": at(0), "currency": "EUR", "total_price": f"{o['total_eur']:.2f}",
            "financial_status": FINANCIAL_STATUS.get(o["status"], "paid"), "fulfillment_status": "fulfilled" if fulfillments else None,
            "cancelled_at": at(o["placed_days"] + 1) if o["status"] == "cancelled" else None,
            "cancel_reason": "customer" if o["status"] == "cancelled" else None,
            "payment_gateway_names": ["shopify_payments" if o["payment"] == "card" else o["payment"]],
            "line_items": [{
                "id": 3000000001 + number * 10 + index, "sku": item["sku"], "title": item["title"], "name": item["title"],
                "quantity": item["qty"], "price": f"{item['price_eur']:.2f}", "product_type": item["category"].replace("_", " ").title(),
                "properties": [{"name": "final_sale", "value": "true"}] if item["final_sale"] else [],
            } for index, item in enumerate(o["items"])],
            "shipping_address": {"first_name": customer["first_name"], "last_name": customer["last_name"], "address1": f"Calle Aurora {number + 1}",
                                 "address2": "", "city": "Demo City", "zip": "28001", "province": None,
                                 "country": COUNTRY_NAMES[o["ship_to_country"]], "country_code": o["ship_to_country"]},
            "fulfillments": fulfillments,
            "customer": customer,
        }
    return customers, orders
