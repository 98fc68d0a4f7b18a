"""/api/openapi.json describes exactly the routes the web app serves under /api."""
from __future__ import annotations

import re

import yaml

from bot import web
from bot.web.app import create_app
from tests.conftest import PROJECT_ROOT


def test_every_api_route_is_documented_and_every_documented_route_exists(tmp_path, monkeypatch):
    monkeypatch.setenv("HANDOFF_DATABASE_URL", f"sqlite:///{tmp_path / 'h.db'}")
    app = create_app(web.from_environment(), name="openapi_check")
    served = set()
    for route in app.router.routes:
        path = "/" + route.path.lstrip("/")
        if path.startswith("/api/"):
            for method in route.methods:
                if method not in ("HEAD", "OPTIONS"):
                    served.add((re.sub(r"<(\w+):int>", "{id}", path), method.lower()))
    spec = yaml.safe_load((PROJECT_ROOT / "bot" / "web" / "openapi.yml").read_text("utf-8"))
    documented = {(path, method) for path, methods in spec["paths"].items() for method in methods if method != "parameters"}
    assert len(served) >= 12 and served == documented
