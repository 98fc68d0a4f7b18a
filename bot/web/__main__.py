"""python -m bot.web: the web app (demo shop page, embed script, widget) on WEB_PORT."""
from bot.web import from_environment
from bot.web.app import create_app

settings = from_environment()
print(f"Web app on {settings.url} (socket.io accepts: {', '.join(settings.allowed_origins)})", flush=True)
create_app(settings).run(host=settings.host, port=settings.port, access_log=False, motd=False)
