"""`python -m bot.action_server --port 5055`: rasa-sdk's action server, open only to the Rasa server.

Every call to /webhook must carry the shared secret (bot/security/shared_secret.py) in the
X-Aurora-Action-Secret header: anyone else who reaches the port gets 401 and no action runs.
Bodies are capped (a long conversation's tracker is well under MAX_BODY_BYTES), and no CORS
headers are sent: no web page has any business calling it.
"""
from __future__ import annotations

import argparse
import logging
import sys

from rasa_sdk.endpoint import create_app
from rasa_sdk.plugin import plugin_manager
from rasa_sdk.utils import number_of_sanic_workers
from sanic import Sanic, response
from sanic.exceptions import PayloadTooLarge
from sanic.request import Request

from bot import settings as configuration
from bot.migrations.startup import upgrade_existing_shop
from bot.privacy import log_masking
from bot.security.shared_secret import HEADER, SECRET_VARIABLE, action_server_secret, header_matches

MAX_BODY_BYTES = 4 * 1024 * 1024
OPEN_PATHS = ("/health",)

logger = logging.getLogger(__name__)


def protected_app(actions_package: str, secret: str) -> Sanic:
    app = create_app(actions_package, cors_origins=None)
    app.config.REQUEST_MAX_SIZE = MAX_BODY_BYTES

    @app.exception(PayloadTooLarge)
    async def too_large(request: Request, error: Exception):
        # rasa-sdk's catch-all would answer 500 (and echo the body): say what it is
        return response.json({"error": f"the body is larger than {MAX_BODY_BYTES} bytes"}, status=413)

    @app.on_request
    async def require_secret(request: Request):
        if request.path in OPEN_PATHS:
            return None
        if not header_matches(request.headers.get(HEADER), secret):
            return response.json({"error": "this server only answers the bot's Rasa server"}, status=401)
        return None

    return app


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", default="actions")
    parser.add_argument("--port", type=int, default=5055)
    parser.add_argument("--host", help="interface to listen on (default: ACTIONS_HOST, 127.0.0.1)")
    args = parser.parse_args(argv)
    settings = configuration.check_at_start()
    secret = action_server_secret()
    if not secret:
        print(f"The action server needs {SECRET_VARIABLE} (at least 16 characters), the same value the Rasa "
              "server is started with: `python -m bot run` generates one in demo mode.", file=sys.stderr)
        return 2
    log_masking.install()  # no card number, email or phone in any log line
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    upgrade_existing_shop(settings.shop.database_url)  # before any replica of a new release answers
    host = args.host or settings.actions.host
    app = protected_app(args.actions, secret)
    plugin_manager().hook.attach_sanic_app_extensions(app=app)  # as rasa-sdk's own server does
    app.run(host, args.port, workers=number_of_sanic_workers())
    return 0


if __name__ == "__main__":
    sys.exit(main())
