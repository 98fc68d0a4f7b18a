"""How one environment variable is declared and turned from text into a typed value, with an
error that names the variable and says what it expects. The declarations themselves are in
bot/settings.py."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple, Union
from urllib.parse import urlsplit

Parser = Callable[[str], Any]
# A default is a value, or computed from the variables declared before it (by name).
Default = Union[Any, Callable[[Mapping[str, Any]], Any]]


class SettingsError(ValueError):
    """Every problem of the environment, one line each, each naming its variable."""

    def __init__(self, problems: List[str]) -> None:
        self.problems = problems
        count = f"{len(problems)} problem{'s' if len(problems) > 1 else ''}"
        super().__init__(f"The configuration has {count} (README, \"Configuration\"):\n"
                         + "\n".join(f"  - {problem}" for problem in problems))


class Invalid(ValueError):
    """Raised by a parser: what the value must be ("a port number 1-65535")."""


@dataclass(frozen=True)
class Variable:
    name: str
    section: str  # the Settings attribute it belongs to (web, shop, …)
    field: str  # its name in that section
    parse: Parser
    default: Default  # used when the variable is unset or empty
    what: str  # one line: the README's description
    table: str  # the README table it is documented in (bot/settings_markdown.py)
    shown_default: str = ""  # the README's default, when it isn't the default value itself
    secret: bool = False  # never repeated in an error message

    def value(self, raw: Optional[str], earlier: Mapping[str, Any]) -> Any:
        """The typed value of `raw` (None or empty: the default); Invalid says what is wrong."""
        if raw is None or raw.strip() == "":
            return self.default(earlier) if callable(self.default) else self.default
        return self.parse(raw.strip())

    def problem(self, raw: str, error: Invalid) -> str:
        got = f"a value of {len(raw.strip())} characters" if self.secret else repr(raw)
        return f"{self.name} must be {error}, got {got}"

    @property
    def readme_default(self) -> str:
        """The default as the README writes it (without backticks)."""
        if self.shown_default:
            return self.shown_default
        if callable(self.default) or self.default in (None, "", ()):
            return ""
        return str(self.default)


# --- parsers: each returns the typed value or raises Invalid with what it expects -------------

def text(raw: str) -> str:
    return raw


def port(raw: str) -> int:
    if not raw.isdigit() or not 1 <= int(raw) <= 65535:
        raise Invalid("a port number 1-65535")
    return int(raw)


def whole_number(minimum: int) -> Parser:
    def parse(raw: str) -> int:
        if not raw.isdigit() or int(raw) < minimum:
            raise Invalid(f"a whole number, {minimum} or more")
        return int(raw)
    return parse


def seconds(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise Invalid("a number of seconds above 0 (e.g. 20 or 2.5)") from None
    if not value > 0 or value == float("inf"):
        raise Invalid("a number of seconds above 0 (e.g. 20 or 2.5)")
    return value


def choice(*options: str) -> Parser:
    def parse(raw: str) -> str:
        if raw not in options:
            raise Invalid(f"one of {', '.join(options)}")
        return raw
    return parse


def flag(raw: str) -> bool:
    if raw not in ("0", "1"):
        raise Invalid("1 (yes) or 0 (no)")
    return raw == "1"


def url(*schemes: str) -> Parser:
    """A URL of one of `schemes` ("postgresql" also accepts postgres and postgresql+driver), with a host."""
    wanted = " or ".join(f"{scheme}://…" for scheme in schemes)

    def parse(raw: str) -> str:
        parts = urlsplit(raw)
        scheme = parts.scheme.split("+")[0]
        if scheme == "postgres":
            scheme = "postgresql"
        if scheme not in schemes or not parts.netloc:
            raise Invalid(f"a {wanted} URL")
        return raw
    return parse


def base_url(raw: str) -> str:
    """An http(s) address that paths are added to: without its trailing slash."""
    return url("http", "https")(raw).rstrip("/")


def database_url(raw: str) -> str:
    """SQLAlchemy's URL of a database: sqlite:///file.db or postgresql://user@host:5432/db."""
    scheme = urlsplit(raw).scheme.split("+")[0]
    if scheme not in ("sqlite", "postgresql", "postgres") or "://" not in raw:
        raise Invalid("a database URL: sqlite:///path/file.db or postgresql://user:password@host:5432/name")
    return raw


def origins(raw: str) -> Tuple[str, ...]:
    """Comma-separated origins: https://shop.example.com,https://www.example.com."""
    found = tuple(origin.strip().rstrip("/") for origin in raw.split(",") if origin.strip())
    if not found or any(urlsplit(origin).scheme not in ("http", "https") or not urlsplit(origin).netloc for origin in found):
        raise Invalid("comma-separated origins such as https://shop.example.com")
    return found


def alphanumeric(raw: str) -> str:
    if not raw.isalnum():
        raise Invalid("letters and digits only (Rasa ignores any other prefix)")
    return raw


def at_least_characters(minimum: int) -> Parser:
    def parse(raw: str) -> str:
        if len(raw) < minimum:
            raise Invalid(f"at least {minimum} characters")
        return raw
    return parse


def path(raw: str) -> Path:
    return Path(raw)


def parse_all(variables: List[Variable], env: Mapping[str, str]) -> Tuple[Dict[str, Any], List[str]]:
    """name -> typed value of every variable (the default for an invalid one), and the problems."""
    values: Dict[str, Any] = {}
    problems: List[str] = []
    for variable in variables:
        raw = env.get(variable.name)
        try:
            values[variable.name] = variable.value(raw, values)
        except Invalid as error:
            problems.append(variable.problem(raw or "", error))
            values[variable.name] = variable.value(None, values)  # later defaults may depend on it
    return values, problems
