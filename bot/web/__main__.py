"""python -m bot.web: the web app (demo shop page, embed script, widget) on WEB_PORT."""
from bot.privacy import log_masking
from bot.settings import check_at_start
from bot.web import from_environment
from bot.web.app import create_app

check_at_start()  # a misconfigured variable stops here, named, not in the middle of a request
log_masking.install()  # no card number, email or phone in any log line

settings = from_environment()
print(f"Web app on {settings.url} (socket.io accepts: {', '.join(settings.allowed_origins)})", flush=True)
create_app(settings).run(host=settings.host, port=settings.port, access_log=False, motd=False)
