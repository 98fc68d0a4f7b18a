"""The settings (bot/settings.py): the one place environment variables are read, the README's
configuration tables agree with it, and a wrong value is refused with a message that names it."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from bot import settings
from bot.settings import VARIABLES, SettingsError, load
from bot.settings_markdown import normalised, readme_rows, table

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DECLARED = {variable.name: variable for variable in VARIABLES}
# Reads of os.environ that aren't configuration: a child process's environment built from ours.
ALLOWED_ENVIRON = {
    ("bot/launcher.py", "_child_environment"),  # the servers `make run` starts inherit it
    ("bot/editor/gate.py", "_env"),  # `rasa train` in a child process, telemetry off
    ("bot/editor/gate.py", "main"),  # quiets TensorFlow's start-up lines (setdefault)
    ("bot/editor/model_eval.py", "run_test_stories"),  # `rasa test` in a child process
}


# --- (a) the README's tables and the declarations agree, both ways -------------------------------

@pytest.fixture(scope="module")
def rows():
    return readme_rows(README.read_text("utf-8"))


def test_every_declared_variable_is_in_the_readme(rows):
    documented = {name for row in rows for name in row.names}
    missing = sorted(set(DECLARED) - documented)
    assert not missing, f"declared in bot/settings.py but in no README table: {missing} " \
                        "(python -m bot settings --markdown prints the rows)"


def test_every_variable_in_the_readme_is_declared(rows):
    unknown = sorted({f"{name} (README line {row.line})" for row in rows for name in row.names if name not in DECLARED})
    assert not unknown, f"in README's tables but not declared in bot/settings.py: {unknown}"


def test_readme_defaults_and_descriptions_are_the_declared_ones(rows):
    wrong = []
    for row in rows:
        for name in (n for n in row.names if n in DECLARED):
            variable = DECLARED[name]
            if row.default is None:
                wrong.append(f"line {row.line}: {name}'s table has no default column")
            elif normalised(row.default) != normalised(variable.readme_default):
                wrong.append(f"line {row.line}: {name} default {row.default!r}, declared {variable.readme_default!r}")
            if row.what != variable.what:
                wrong.append(f"line {row.line}: {name} says {row.what!r}, declared {variable.what!r}")
    assert not wrong, "\n".join(wrong)


def test_each_variable_has_one_row(rows):
    counted = [name for row in rows for name in row.names]
    assert sorted({n for n in counted if counted.count(n) > 1}) == []


def test_the_generated_tables_are_the_readmes():
    """`python -m bot settings --markdown` gives exactly what the README shows."""
    text = "\n".join(line.strip() for line in README.read_text("utf-8").splitlines())
    for name in {variable.table for variable in VARIABLES}:
        assert table(name) in text, f"README's {name} table differs from `python -m bot settings --markdown`"


def test_literal_defaults_are_what_the_readme_shows():
    """A default written as a value in the README is the value the code uses when unset."""
    defaults = load({})
    for variable in VARIABLES:
        if not variable.shown_default and not callable(variable.default):
            value = getattr(getattr(defaults, variable.section), variable.field)
            assert str(value) == variable.readme_default or (value in ("", None) and not variable.readme_default)


# --- (b) nobody else reads the environment for configuration ------------------------------------

def _environ_reads(path: Path):
    """(function, line) of each os.environ / os.getenv / `from os import environ` in the file."""
    tree = ast.parse(path.read_text("utf-8"))
    found = []

    def visit(node, function):
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else function
            if isinstance(child, ast.Attribute) and isinstance(child.value, ast.Name) and child.value.id == "os" \
                    and child.attr in ("environ", "getenv", "environb", "getenvb"):
                found.append((function, child.lineno))
            if isinstance(child, ast.ImportFrom) and child.module == "os" \
                    and any(alias.name in ("environ", "getenv") for alias in child.names):
                found.append((function, child.lineno))
            visit(child, inner)

    visit(tree, "<module>")
    return found


def test_only_the_settings_module_reads_the_environment():
    offending = []
    for folder in ("bot", "actions", "connectors"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if relative == "bot/settings.py":
                continue
            for function, line in _environ_reads(path):
                if (relative, function) not in ALLOWED_ENVIRON:
                    offending.append(f"{relative}:{line} ({function})")
    assert not offending, "read the setting from bot.settings.load() instead (declare it there): " + ", ".join(offending)


def test_the_allowed_reads_still_exist():
    """An allow-list entry whose read is gone must go too."""
    for relative, function in ALLOWED_ENVIRON:
        assert function in {f for f, _ in _environ_reads(ROOT / relative)}, (relative, function)


# --- (c) wrong values are refused, named, all at once --------------------------------------------

@pytest.mark.parametrize("name, value, message", [
    ("RASA_PORT", "abc", "RASA_PORT must be a port number 1-65535, got 'abc'"),
    ("WEB_PORT", "70000", "WEB_PORT must be a port number 1-65535, got '70000'"),
    ("SHOP_TIMEOUT_S", "soon", "SHOP_TIMEOUT_S must be a number of seconds above 0 (e.g. 20 or 2.5), got 'soon'"),
    ("ACTION_TIMEOUT_S", "0", "ACTION_TIMEOUT_S must be a number of seconds above 0 (e.g. 20 or 2.5), got '0'"),
    ("SHOP_BACKEND", "magento", "SHOP_BACKEND must be one of sql, shopify, got 'magento'"),
    ("SANIC_WORKERS", "0", "SANIC_WORKERS must be a whole number, 1 or more, got '0'"),
    ("SHOP_DATABASE_URL", "mysql://x@y/shop", "SHOP_DATABASE_URL must be a database URL: sqlite:///path/file.db or "
                                               "postgresql://user:password@host:5432/name, got 'mysql://x@y/shop'"),
    ("TRACKER_STORE_URL", "sqlite:///t.db", "TRACKER_STORE_URL must be a postgresql://… URL, got 'sqlite:///t.db'"),
    ("LOCK_STORE_URL", "localhost:6379", "LOCK_STORE_URL must be a redis://… or rediss://… URL, got 'localhost:6379'"),
    ("LOCK_STORE_PREFIX", "my-bot", "LOCK_STORE_PREFIX must be letters and digits only (Rasa ignores any other prefix), "
                                    "got 'my-bot'"),
    ("BOT_ALLOWED_ORIGINS", "shop.example.com", "BOT_ALLOWED_ORIGINS must be comma-separated origins such as "
                                                "https://shop.example.com, got 'shop.example.com'"),
    ("SHOP_SEED_DEMO", "yes", "SHOP_SEED_DEMO must be 1 (yes) or 0 (no), got 'yes'"),
])
def test_a_wrong_value_is_named_with_what_it_must_be(name, value, message):
    with pytest.raises(SettingsError) as raised:
        load({name: value})
    assert raised.value.problems == [message]
    assert message in str(raised.value)


def test_a_secret_is_never_repeated():
    with pytest.raises(SettingsError) as raised:
        load({"ACTION_SERVER_SECRET": "hunter2"})
    assert raised.value.problems == ["ACTION_SERVER_SECRET must be at least 16 characters, got a value of 7 characters"]
    assert "hunter2" not in str(raised.value)


def test_every_problem_is_listed_at_once():
    with pytest.raises(SettingsError) as raised:
        load({"RASA_PORT": "x", "ACTIONS_PORT": "y", "SHOP_BACKEND": "shopify"})
    assert [p.split(" ")[0] for p in raised.value.problems] == [
        "RASA_PORT", "ACTIONS_PORT", "SHOPIFY_BASE_URL", "SHOPIFY_ACCESS_TOKEN"]
    assert "SHOPIFY_BASE_URL must be set when SHOP_BACKEND is shopify" in raised.value.problems


def test_a_process_stops_at_start_with_the_message_not_a_traceback():
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "RASA_PORT": "abc", "HOME": str(ROOT / "var")}
    result = subprocess.run([sys.executable, "-m", "bot", "serve", "web"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "RASA_PORT must be a port number 1-65535, got 'abc'" in result.stderr
    assert "Traceback" not in result.stderr


def test_every_process_checks_at_start():
    """The entry of each process calls check_at_start before it serves anything."""
    for entry in ("bot/cli.py", "bot/action_server.py", "bot/web/__main__.py", "bot/rasa_ext/server.py"):
        calls = {node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                 for node in ast.walk(ast.parse((ROOT / entry).read_text("utf-8"))) if isinstance(node, ast.Call)}
        assert "check_at_start" in calls, entry


# --- the values themselves -----------------------------------------------------------------------

def test_defaults_are_the_embedded_ones():
    loaded = load({})
    assert (loaded.rasa.port, loaded.actions.port, loaded.web.port) == (5005, 5055, 8080)
    assert loaded.actions.url == "http://127.0.0.1:5055/webhook" and loaded.actions.secret is None
    assert loaded.web.rasa_url == "http://127.0.0.1:5005"
    assert loaded.web.allowed_origins == ("http://localhost:8080", "http://127.0.0.1:8080")
    assert loaded.shop.is_demo and loaded.shop.backend == "sql" and loaded.shop.timeout_s == 3.0
    assert loaded.handoff.database_url == "sqlite:///var/handoff.db"
    assert loaded.rasa.rabbitmq_queue == "rasa_events" and loaded.rasa.tracker_store_retry_s == 30.0


def test_computed_defaults_follow_the_variables_they_use():
    loaded = load({"ACTIONS_PORT": "6055", "RASA_PORT": "6005", "WEB_PORT": "9090"})
    assert loaded.actions.url == "http://127.0.0.1:6055/webhook"
    assert loaded.web.rasa_url == "http://127.0.0.1:6005"
    assert loaded.web.allowed_origins == ("http://localhost:9090", "http://127.0.0.1:9090")


def test_empty_counts_as_unset_and_values_are_trimmed():
    loaded = load({"RASA_PORT": "", "BOT_ALLOWED_ORIGINS": " https://a.example/ , https://b.example ",
                   "RASA_URL": "http://rasa:5005/", "SHOP_SEED_DEMO": "1", "SHOP_DATABASE_URL": "sqlite:///x.db"})
    assert loaded.rasa.port == 5005
    assert loaded.web.allowed_origins == ("https://a.example", "https://b.example")
    assert loaded.web.rasa_url == "http://rasa:5005"
    assert loaded.shop.is_demo


def test_the_process_environment_is_read_at_each_call(monkeypatch):
    monkeypatch.setenv("SHOP_TIMEOUT_S", "7.5")
    assert load().shop.timeout_s == 7.5
    monkeypatch.setenv("SHOP_TIMEOUT_S", "2")
    assert load().shop.timeout_s == 2.0


def test_whatsapp_variables_may_be_renamed_in_credentials():
    assert settings.whatsapp_variable("WHATSAPP_VERIFY_TOKEN", {"WHATSAPP_VERIFY_TOKEN": " t "}) == "t"
    assert settings.whatsapp_variable("MY_SHOP_VERIFY", {"MY_SHOP_VERIFY": "v"}) == "v"
