"""The Rasa versions this package was written for. Its patches and subclasses reach into Rasa's
private names (tests/rasa_ext/test_contracts.py lists them); on another Rasa they could fail
quietly, so the package refuses to load instead. Moving to a new Rasa: upgrade the pin in
requirements.txt, run the contract tests, fix what they report, then widen this range."""
from __future__ import annotations

from packaging.version import Version

# The pin is rasa==3.6.21 (requirements.txt); the internals patched here are those of 3.6.x.
SUPPORTED_RASA = (Version("3.6.21"), Version("3.7.0"))
SUPPORTED_RASA_TEXT = ">=3.6.21,<3.7"


class UnsupportedRasaVersion(RuntimeError):
    pass


def require_supported_rasa(found: str) -> None:
    lowest, too_new = SUPPORTED_RASA
    if not lowest <= Version(found) < too_new:
        raise UnsupportedRasaVersion(
            f"Aurora's Rasa extensions (bot/rasa_ext) were written for Rasa {SUPPORTED_RASA_TEXT}, "
            f"but Rasa {found} is installed. Install the pinned version (make install, "
            f"requirements.txt: rasa==3.6.21), or port bot/rasa_ext to Rasa {found} first "
            f"(tests/rasa_ext/test_contracts.py shows what changed).")
