"""Starting the bot's processes on this machine for the benchmark, the load test and their
tests: scratch PostgreSQL databases, Redis key prefixes and RabbitMQ queues of their own, one
or more Rasa replicas and action servers, and nginx in front. Every process started here is
stopped by its own PID (process group), never by name."""
from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List

from bot.settings import PROJECT_ROOT

PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3")
RABBITMQ_URL = os.environ.get("BENCH_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")
RUN_DIR = PROJECT_ROOT / "var" / "stack"
TOKEN = "bench-token-not-secret"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- shared services: a database, a key prefix and a queue of this run's own -----------------

@dataclass
class Services:
    """This run's PostgreSQL databases (tracker, shop), Redis prefix and RabbitMQ queue."""
    name: str
    tracker_url: str
    shop_url: str
    redis_url: str
    redis_prefix: str
    rabbitmq_url: str
    rabbitmq_queue: str

    def env(self) -> Dict[str, str]:
        return {
            "TRACKER_STORE_URL": self.tracker_url, "LOCK_STORE_URL": self.redis_url,
            "LOCK_STORE_PREFIX": self.redis_prefix, "RABBITMQ_URL": self.rabbitmq_url,
            "RABBITMQ_QUEUE": self.rabbitmq_queue, "RABBITMQ_EXCHANGE": f"{self.rabbitmq_queue}_exchange", "SHOP_DATABASE_URL": self.shop_url, "SHOP_SEED_DEMO": "1",
        }


def _pg_admin(statement: str, admin_url: str = "") -> None:
    import psycopg2

    connection = psycopg2.connect(admin_url or PG_ADMIN_URL)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
    finally:
        connection.close()


def _with_db(url: str, db: str) -> str:
    return url.rsplit("/", 1)[0] + "/" + db


@contextlib.contextmanager
def services(label: str, broker: bool = True, pg_admin_url: str = "") -> Iterator[Services]:
    admin = pg_admin_url or PG_ADMIN_URL
    name = f"aurora_{label}_{secrets.token_hex(3)}"
    for suffix in ("tracker", "shop"):
        _pg_admin(f'CREATE DATABASE "{name}_{suffix}"', admin)
    rabbit_queue = f"{name}_events" if broker else ""
    try:
        yield Services(
            name=name, tracker_url=_with_db(admin, f"{name}_tracker"), shop_url=_with_db(admin, f"{name}_shop"),
            redis_url=REDIS_URL, redis_prefix=name.replace("_", ""), rabbitmq_url=RABBITMQ_URL if broker else "",
            rabbitmq_queue=rabbit_queue,
        )
    finally:
        for suffix in ("tracker", "shop"):
            with contextlib.suppress(Exception):
                _pg_admin(f'DROP DATABASE IF EXISTS "{name}_{suffix}" WITH (FORCE)', admin)
        with contextlib.suppress(Exception):
            import redis

            client = redis.Redis.from_url(REDIS_URL)
            for key in client.scan_iter(f"{name.replace('_', '')}:*"):
                client.delete(key)
        if rabbit_queue:
            with contextlib.suppress(Exception):
                delete_queue(rabbit_queue)


async def _queue_call(queue: str, work):
    import aio_pika

    connection = await aio_pika.connect(RABBITMQ_URL)
    try:
        channel = await connection.channel()
        return await work(channel, queue)
    finally:
        await connection.close()


def drain_queue(queue: str) -> List[dict]:
    """Every message waiting in the queue (consumed)."""
    import asyncio

    async def work(channel, name):
        declared = await channel.declare_queue(name, durable=True, passive=True)
        messages = []
        while True:
            message = await declared.get(no_ack=True, fail=False)
            if message is None:
                return messages
            messages.append(json.loads(message.body))

    return asyncio.run(_queue_call(queue, work))


def delete_queue(queue: str) -> None:
    import asyncio

    async def work(channel, name):
        await channel.queue_delete(name)

    asyncio.run(_queue_call(queue, work))


# --- processes --------------------------------------------------------------------------------

def _env(**overrides: str) -> Dict[str, str]:
    env = dict(os.environ)
    env.update(PYTHONPATH=str(PROJECT_ROOT), RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2",
               RASA_AUTH_TOKEN=TOKEN, SHOP_SIGNING_SECRET="bench-signing-secret-long-enough-for-hs256",
               ACTION_SERVER_SECRET="bench-action-server-secret-not-for-production")
    env.update({k: v for k, v in overrides.items() if v is not None})
    return env


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log_path: Path

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, sig)

    def stop(self, timeout: float = 30) -> None:
        if not self.alive():
            return
        self.kill(signal.SIGTERM)
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill(signal.SIGKILL)
            self.popen.wait(timeout=10)

    def tail(self, chars: int = 3000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:] if self.log_path.exists() else ""


def spawn(name: str, command: List[str], env: Dict[str, str], workdir: Path) -> Process:
    workdir.mkdir(parents=True, exist_ok=True)
    log_path = workdir / f"{name}.log"
    with open(log_path, "w") as out:
        popen = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                 start_new_session=True)
    return Process(name, popen, log_path)


def answers(url: str, timeout: float = 2) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def wait_for(urls: List[str], processes: List[Process], timeout: float = 300, in_a_row: int = 1) -> float:
    """Seconds until every URL answers 200 `in_a_row` times in a row (several Sanic workers
    share a port: each must have loaded the model)."""
    started = time.monotonic()
    streak = 0
    while time.monotonic() - started < timeout:
        for process in processes:
            if not process.alive():
                raise RuntimeError(f"{process.name} exited with {process.popen.returncode}:\n{process.tail()}")
        if all(answers(url) for url in urls):
            streak += 1
            if streak >= in_a_row:
                return time.monotonic() - started
        else:
            streak = 0
        time.sleep(0.1 if streak else 0.25)
    raise RuntimeError("not ready in time:\n" + "\n".join(p.tail(1500) for p in processes))


def action_server(port: int, workdir: Path, **env: str) -> Process:
    command = [sys.executable, "-m", "bot.action_server", "--actions", "actions", "--port", str(port)]
    return spawn(f"actions-{port}", command, _env(SANIC_HOST="127.0.0.1", SANIC_KEEP_ALIVE_TIMEOUT="75", **env), workdir)


def rasa_server(port: int, action_url: str, workdir: Path, model: str = "models", workers: int = 1,
                stock: bool = False, **env: str) -> Process:
    """`rasa run` exactly as the launcher starts it, endpoints from the same environment variables.
    stock=True: plain `rasa` (no bot/rasa_ext patches) and Rasa's own SQL tracker store class."""
    import yaml

    from bot import launcher
    from bot.settings import from_environment

    full_env = _env(RASA_PORT=str(port), ACTION_SERVER_URL=action_url, RASA_MODEL=model, SANIC_WORKERS=str(workers),
                    TRACKER_DB=str(workdir / f"tracker-{port}.db"), **env)
    settings = from_environment(full_env)
    endpoints = launcher.runtime_endpoints(settings)
    command = launcher.rasa_command(settings, endpoints)
    if stock:
        config = yaml.safe_load(endpoints.read_text())
        if config.get("tracker_store", {}).get("type") != "SQL":
            config["tracker_store"]["type"] = "SQL"
        endpoints.write_text(yaml.safe_dump(config))
        command = [str(Path(sys.executable).parent / "rasa")] + command[3:]
        command += ["--auth-token", TOKEN]  # plain rasa takes it only on the command line
    return spawn(f"rasa-{port}", command, full_env, workdir)


def rasa_status_url(port: int) -> str:
    return f"http://127.0.0.1:{port}/status?token={TOKEN}"


def children(pid: int) -> List[int]:
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        path = Path(f"/proc/{current}/task/{current}/children")
        kids = [int(c) for c in path.read_text().split()] if path.exists() else []
        found += kids
        queue += kids
    return found


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def process_tree_rss(pid: int) -> Dict[str, float]:
    """RSS of the process and of each child (Sanic workers are children of the main process)."""
    pids = [pid] + children(pid)
    sizes = [rss_mb(p) for p in pids]
    return {"max_mb": round(max(sizes), 1), "total_mb": round(sum(sizes), 1), "processes": len(pids)}


# --- nginx ------------------------------------------------------------------------------------

NGINX_CONF = """# Generated by bench/stack.py (the same shape as deploy/nginx.conf)
worker_processes 1;
pid {workdir}/nginx.pid;
error_log {workdir}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  client_body_buffer_size 1m;  # Rasa sends the whole domain with every action call
  client_body_temp_path {workdir}/tmp-body;
  proxy_temp_path {workdir}/tmp-proxy;
  fastcgi_temp_path {workdir}/tmp-fastcgi;
  uwsgi_temp_path {workdir}/tmp-uwsgi;
  scgi_temp_path {workdir}/tmp-scgi;
{upstreams}
  map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
  server {{
    listen 127.0.0.1:{port};
    # socket.io: one engine.io session must stay on the replica that opened it (sticky by client address)
    location /socket.io/ {{
      proxy_pass http://rasa_sticky;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header Host $host;
      proxy_read_timeout 120s;
    }}
    location / {{
      proxy_pass http://rasa;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      # a replica that refuses the connection is skipped; a turn lost mid-way is the client's to retry (502)
      proxy_next_upstream error timeout http_502 http_503;
      proxy_connect_timeout 2s;
      proxy_read_timeout 90s;
    }}
  }}
  server {{
    listen 127.0.0.1:{actions_port};
    location / {{
      proxy_pass http://actions;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      # actions are looked up again on the other server if one dies mid-call
      proxy_next_upstream error timeout http_502 non_idempotent;
      proxy_next_upstream_tries 2;
      proxy_connect_timeout 2s;
      proxy_read_timeout 30s;
    }}
  }}
}}
"""


def nginx_config(workdir: Path, port: int, actions_port: int, rasa_ports: List[int], action_ports: List[int]) -> str:
    def upstream(name: str, ports: List[int], extra: str = "") -> str:
        servers = "".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;\n" for p in ports)
        return f"  upstream {name} {{\n{extra}{servers}    keepalive 64;\n  }}\n"

    upstreams = (upstream("rasa", rasa_ports) + upstream("rasa_sticky", rasa_ports, "    hash $remote_addr$http_x_client_id consistent;\n")
                 + upstream("actions", action_ports))
    return NGINX_CONF.format(workdir=workdir, port=port, actions_port=actions_port, upstreams=upstreams)


def nginx(workdir: Path, port: int, actions_port: int, rasa_ports: List[int], action_ports: List[int]) -> Process:
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(binary).exists():
        raise RuntimeError("nginx is not installed: run `make nginx` (apt-get install nginx-light, as root)")
    workdir.mkdir(parents=True, exist_ok=True)
    conf = workdir / "nginx.conf"
    conf.write_text(nginx_config(workdir, port, actions_port, rasa_ports, action_ports))
    return spawn("nginx", [binary, "-c", str(conf), "-p", str(workdir), "-e", str(workdir / "nginx-error.log"),
                           "-g", "daemon off;"], _env(), workdir)


# --- a PostgreSQL server of the load test's own (restarted mid-run without touching anyone else's)

class PrivatePostgres:
    """initdb + pg_ctl from Debian's PostgreSQL, as the postgres user, on a port of our own,
    trust auth on 127.0.0.1 only. Restarting it is one of the load test's faults."""

    def __init__(self, port: int) -> None:
        import glob
        import tempfile

        versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
        if not versions:
            raise RuntimeError("PostgreSQL server binaries not found (apt-get install postgresql)")
        self.bin = Path(versions[-1]).parent
        self.port = port
        self.dir = Path(tempfile.mkdtemp(prefix="aurora-pg-"))
        self.data = self.dir / "data"
        shutil.chown(self.dir, "postgres", "postgres")

    def _as_postgres(self, *command: str, check: bool = True) -> subprocess.CompletedProcess:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return subprocess.run(prefix + list(command), check=check, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def start(self) -> "PrivatePostgres":
        if not self.data.exists():
            self._as_postgres(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=400"
        self._as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.dir / "pg.log"),
                          "-w", "start")
        return self

    def restart(self) -> None:
        # stop + start rather than `pg_ctl restart`, which would hand our pipe to the new postmaster
        self._as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
        self.start()

    def stop(self) -> None:
        if self.data.exists():
            self._as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self.dir, ignore_errors=True)

    @property
    def admin_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
