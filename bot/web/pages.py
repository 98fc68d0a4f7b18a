"""The console's static pages (the console, insights, privacy): their files served as they are,
never cached stale, under one strict Content-Security-Policy (scripts and styles from this site only)."""
from __future__ import annotations

from pathlib import Path
from typing import Dict, Tuple

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

PAGE_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
               "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")


def serve_file(path: Path, content_type: str):
    """A handler that answers with the file (404 when it is missing)."""
    async def handler(_: Request) -> HTTPResponse:
        if not path.is_file():
            return response.text("not found", status=404)
        return response.text(path.read_text("utf-8"), content_type=content_type,
                             headers={"Cache-Control": "no-cache", "Content-Security-Policy": PAGE_POLICY})
    return handler


def add_page_files(blueprint: Blueprint, files: Dict[str, Tuple[Path, str]], name_prefix: str) -> None:
    """Route each URL of `files` to its (path, content type)."""
    for route, (path, content_type) in files.items():
        name = name_prefix + route.strip("/").replace("/", "_").replace(".", "_")
        blueprint.add_route(serve_file(path, content_type), route, methods=["GET"], name=name)
