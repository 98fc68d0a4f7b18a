"""The project's own data checks, in words an editor understands, with file and line.

`problems(root)` returns one Problem per thing to fix. It runs before `rasa data validate` and
before any training: a YAML error, a misspelled intent, an empty example list, a missing
translation or an unknown language code stop `make train` here, and the model in service is
untouched. Plain Python over the YAML files (no Rasa import), so it runs in a second.
"""
from __future__ import annotations

import difflib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

import yaml

from bot.languages import NLU_DIR, default_language, language_folders

MIN_TRAINING_EXAMPLES = 20  # per intent, FAQ and language in data/nlu/<language>/
MIN_TEST_EXAMPLES = 8  # per intent, FAQ and language in tests/nlu/<language>.yml
NLU_BLOCK_KEYS = {"intent", "regex", "lookup", "synonym"}
# Actions every Rasa bot has without listing them in the domain.
RASA_DEFAULT_ACTIONS = {
    "action_listen", "action_restart", "action_session_start", "action_default_fallback",
    "action_deactivate_loop", "action_revert_fallback_events", "action_default_ask_affirmation",
    "action_default_ask_rephrase", "action_two_stage_fallback", "action_unlikely_intent",
    "action_back", "action_extract_slots", "...",
}
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's, when there: 10 times faster
RASA_DEFAULT_INTENTS = {"nlu_fallback", "restart", "back", "session_start"}
RASA_DEFAULT_SLOTS = {"requested_slot", "session_started_metadata"}


@dataclass(frozen=True)
class Problem:
    path: str
    line: Optional[int]
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


@dataclass
class _File:
    path: Path
    relative: str
    data: object
    node: Optional[yaml.Node]


def _line(node: Optional[yaml.Node]) -> Optional[int]:
    return node.start_mark.line + 1 if node is not None else None


def _get(node: Optional[yaml.Node], key: str) -> Optional[yaml.Node]:
    """The value node of `key` in a mapping node."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if getattr(key_node, "value", None) == key:
                return value_node
    return None


def _key_node(node: Optional[yaml.Node], key: str) -> Optional[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        for key_node, _ in node.value:
            if getattr(key_node, "value", None) == key:
                return key_node
    return None


def _items(node: Optional[yaml.Node]) -> List[yaml.Node]:
    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def _did_you_mean(name: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.75)
    return f" Did you mean '{close[0]}'?" if close else ""


def normalized(text: str) -> str:
    return re.sub(r"[^\w]+", " ", text.lower()).strip()


_ENTITY_MARKUP = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


def _plain(example: str) -> str:
    return _ENTITY_MARKUP.sub(r"\1", example).strip()


class Project:
    """The project's YAML files, read once, with their line numbers."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.syntax_problems: List[Problem] = []
        self.files: Dict[str, _File] = {}
        for path in self._yaml_paths():
            self._read(path)

    def _yaml_paths(self) -> List[Path]:
        paths = [self.root / "domain.yml", self.root / "config.yml"]
        for folder in ("data", "tests/nlu", "tests/stories"):
            paths += sorted((self.root / folder).rglob("*.yml"))
        return [p for p in paths if p.exists()]

    def _read(self, path: Path) -> None:
        relative = str(path.relative_to(self.root))
        try:
            text = path.read_text("utf-8")
        except UnicodeDecodeError as error:
            self.syntax_problems.append(Problem(relative, None, f"is not UTF-8 text ({error.reason}): save it as UTF-8."))
            return
        try:
            node = yaml.compose(text, Loader=_LOADER)
            data = yaml.load(text, Loader=_LOADER)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            what = getattr(error, "problem", None) or str(error).splitlines()[0]
            column = f" (column {mark.column + 1})" if mark is not None else ""
            self.syntax_problems.append(Problem(
                relative, mark.line + 1 if mark is not None else None,
                f"this is not valid YAML: {what}{column}. Check the indentation, the '- ' in front of "
                "list items and the quotes on this line and the line above."))
            return
        self.files[relative] = _File(path, relative, data, node)

    def file(self, relative: str) -> Optional[_File]:
        return self.files.get(relative)

    def under(self, folder: str) -> List[_File]:
        prefix = folder.rstrip("/") + "/"
        return [f for name, f in sorted(self.files.items()) if name.startswith(prefix)]


@dataclass(frozen=True)
class Example:
    label: str  # intent or faq/<key>
    text: str
    path: str
    line: int


def _nlu_blocks(file: _File) -> Iterator[Tuple[yaml.Node, Dict]]:
    for block in _items(_get(file.node, "nlu")):
        data = {}
        if isinstance(block, yaml.MappingNode):
            data = {k.value: v for k, v in block.value if isinstance(k, yaml.ScalarNode)}
        yield block, data


def _examples(file: _File, problems: List[Problem]) -> List[Example]:
    """Every intent example of an NLU file with its line; empty or malformed lists are problems."""
    found = []
    for block, keys in _nlu_blocks(file):
        if not keys.keys() & NLU_BLOCK_KEYS:
            problems.append(Problem(file.relative, _line(block),
                                    "this block has none of intent:, regex:, lookup:, synonym:. Every block under nlu: starts with one of them."))
            continue
        intent_node = keys.get("intent")
        if intent_node is None:
            continue
        intent = str(intent_node.value).strip()
        examples_node = keys.get("examples")
        text = examples_node.value if isinstance(examples_node, yaml.ScalarNode) else ""
        if not intent:
            problems.append(Problem(file.relative, _line(block), "an intent: with no name. Write the intent's name after 'intent:'."))
            continue
        lines = [(i, line) for i, line in enumerate(text.splitlines()) if line.strip()]
        if not lines or not isinstance(examples_node, yaml.ScalarNode):  # no examples: text is ""
            problems.append(Problem(file.relative, _line(intent_node),
                                    f"intent '{intent}' has an empty example list. Add examples under 'examples: |', one per line starting with '- ', or remove the intent block."))
            continue
        # A block scalar's content starts on the line after `examples: |`; a plain one is on that line.
        block_scalar = examples_node.style == "|"
        first = examples_node.start_mark.line + (2 if block_scalar else 1)
        for offset, line in lines:
            stripped = line.strip()
            number = first + offset if block_scalar else first
            if not stripped.startswith("- "):
                problems.append(Problem(file.relative, number,
                                        f"'{stripped}' under intent '{intent}' is not a list item: start the line with '- '."))
                continue
            plain = _plain(stripped[2:])
            if not plain:
                problems.append(Problem(file.relative, number, f"an empty example under intent '{intent}'."))
                continue
            found.append(Example(intent, plain, file.relative, number))
    return found


class Checker:
    def __init__(self, project: Project) -> None:
        self.project = project
        self.problems: List[Problem] = []
        domain = project.file("domain.yml")
        self.domain = domain
        self.domain_node = domain.node if domain else None
        data = domain.data if domain and isinstance(domain.data, dict) else {}
        self.intents = [i if isinstance(i, str) else next(iter(i)) for i in data.get("intents") or []]
        self.responses: Dict = data.get("responses") or {}
        self.actions = set(data.get("actions") or []) | set(self.responses) | set(data.get("forms") or {})
        self.slots: Dict = data.get("slots") or {}
        self.forms = set(data.get("forms") or {})
        self.default = default_language(project.root)
        self.languages = sorted(language_folders(project.root / NLU_DIR), key=lambda code: code != self.default)
        self.retrieval_intents = {i for i in self.intents if any(r.startswith(f"utter_{i}/") for r in self.responses)}
        self.faq_keys = sorted(r[len("utter_"):] for r in self.responses if "/" in r and r.split("/")[0][len("utter_"):] in self.retrieval_intents)
        self.examples: Dict[str, List[Example]] = {}

    def add(self, path: str, line: Optional[int], message: str) -> None:
        self.problems.append(Problem(path, line, message))

    def known_label(self, label: str) -> bool:
        return label in self.intents or label in RASA_DEFAULT_INTENTS if "/" not in label else label in self.faq_keys

    def labels(self) -> List[str]:
        """What every language must teach: each intent (not the retrieval intents) and each FAQ key."""
        return [i for i in self.intents if i not in self.retrieval_intents] + self.faq_keys

    # -- the checks ------------------------------------------------------------------------

    def check_domain_present(self) -> bool:
        if self.domain is None:
            self.add("domain.yml", None, "is missing: the bot's intents and answers live there.")
            return False
        if self.domain.data is not None and not isinstance(self.domain.data, dict):
            self.add("domain.yml", _line(self.domain.node),
                     "must be a mapping of sections (intents:, responses:, slots:, ...), one per line, not a list or a text.")
            return False
        return True

    def check_languages(self) -> None:
        from lingua import Language  # the language detector: it must know the language

        known_codes = {language.iso_code_639_1.name.lower() for language in Language.all()}
        nlu_root = self.project.root / NLU_DIR
        for folder in sorted(p for p in nlu_root.iterdir() if p.is_dir()) if nlu_root.is_dir() else []:
            code = folder.name
            if not any(folder.rglob("*.yml")):
                self.add(f"{NLU_DIR}/{code}/", None, "has no .yml training files: add them or remove the folder.")
            elif code not in known_codes:
                self.add(f"{NLU_DIR}/{code}/", None,
                         f"'{code}' is not a language code the bot knows. Name a language folder with its two-letter "
                         "ISO 639-1 code in lower case, e.g. fr (French), de (German), it (Italian).")
        if self.default not in self.languages:
            self.add("config.yml", None, f"the default language '{self.default}' (language:) has no training folder {NLU_DIR}/{self.default}/.")
        slot = self.slots.get("language") or {}
        values = [str(v) for v in slot.get("values") or []]
        slot_line = _line(_get(_get(self.domain_node, "slots"), "language"))
        for code in self.languages:
            if values and code not in values:
                self.add("domain.yml", slot_line, f"the language slot's values don't include '{code}': add it to `values: [...]` under slots → language.")
        for code in values:
            if code not in self.languages:
                self.add("domain.yml", slot_line, f"the language slot lists '{code}', but there is no training folder {NLU_DIR}/{code}/.")
        for file in self.project.under(NLU_DIR):
            parts = Path(file.relative).parts
            if len(parts) > 3 and parts[-1] == "keywords.yml" and isinstance(file.data, dict):
                declared = file.data.get("language")
                if declared and declared != parts[2]:
                    self.add(file.relative, _line(_get(file.node, "language")),
                             f"says language: {declared}, but it is in the folder of '{parts[2]}'. Make them the same.")

    def check_training_examples(self) -> None:
        by_language: Dict[str, List[Example]] = defaultdict(list)
        for file in self.project.under(NLU_DIR):
            parts = Path(file.relative).parts
            language = parts[2] if len(parts) > 3 else None  # data/nlu/<language>/<file>
            examples = _examples(file, self.problems)
            if language is None and examples:
                self.add(file.relative, examples[0].line,
                         f"intent examples outside a language folder: move them to {NLU_DIR}/<language>/.")
                continue
            if language:
                by_language[language] += examples
        self.examples = by_language
        self._check_labels_exist([e for examples in by_language.values() for e in examples])
        for language in self.languages:
            self._check_counts(by_language.get(language, []), language, f"{NLU_DIR}/{language}/", MIN_TRAINING_EXAMPLES, "training examples")
        self._check_no_example_under_two_intents(by_language)

    def _check_labels_exist(self, examples: List[Example]) -> None:
        reported = set()
        for example in examples:
            if self.known_label(example.label) or (example.path, example.label) in reported:
                continue
            reported.add((example.path, example.label))
            if "/" in example.label:
                base = example.label.split("/")[0]
                if base in self.retrieval_intents or base in self.intents:
                    self.add(example.path, example.line,
                             f"FAQ '{example.label}' has examples but no answer: add `utter_{example.label}` to domain.yml → responses, "
                             f"with a variation per language ({', '.join(self.languages)}).{_did_you_mean(example.label, self.faq_keys)}")
                    continue
            self.add(example.path, example.line,
                     f"intent '{example.label}' is not in domain.yml → intents.{_did_you_mean(example.label, self.intents + self.faq_keys)}"
                     " Fix the name, or add the intent to domain.yml.")

    def _check_counts(self, examples: List[Example], language: str, where: str, minimum: int, what: str) -> None:
        counts = Counter(e.label for e in examples)
        first_line: Dict[str, Tuple[str, Optional[int]]] = {}
        for e in examples:
            first_line.setdefault(e.label, (e.path, e.line))
        if not counts and self.labels():
            self.add(where, None, f"has no {what} at all for '{language}': every intent and FAQ "
                                  f"({len(self.labels())}) needs at least {minimum}.")
            return
        for label in self.labels():
            if counts[label] < minimum:
                path, line = first_line.get(label, (where, None))
                have = f"has only {counts[label]}" if counts[label] else "has no"
                self.add(path, line, f"'{label}' {have} {what} in '{language}'; it needs at least {minimum}.")

    def _check_no_example_under_two_intents(self, by_language: Dict[str, List[Example]]) -> None:
        first: Dict[str, Example] = {}
        for language in sorted(by_language):
            for example in by_language[language]:
                key = normalized(example.text)
                seen = first.setdefault(key, example)
                if seen.label != example.label:
                    self.add(example.path, example.line,
                             f"'{example.text}' is an example of '{example.label}' here and of '{seen.label}' in "
                             f"{seen.path}:{seen.line}. Keep it under one intent only.")

    def check_test_split(self) -> None:
        training = {normalized(e.text) for examples in self.examples.values() for e in examples}
        for language in self.languages:
            story_file = f"tests/stories/test_{language}.yml"
            if not (self.project.root / story_file).exists():
                self.add(story_file, None, f"is missing: test conversations in '{language}' (see tests/stories/test_{self.default}.yml).")
            relative = f"tests/nlu/{language}.yml"
            file = self.project.file(relative)
            if file is None:
                if not (self.project.root / relative).exists():
                    self.add(relative, None,
                             f"is missing: the held-out test examples for '{language}' (at least {MIN_TEST_EXAMPLES} per intent and FAQ, "
                             "written by someone who didn't see the training examples). make train scores each language on them.")
                continue
            examples = _examples(file, self.problems)
            self._check_labels_exist(examples)
            self._check_counts(examples, language, relative, MIN_TEST_EXAMPLES, "test examples")
            for example in examples:
                if normalized(example.text) in training and len(normalized(example.text).split()) > 2:
                    self.add(example.path, example.line,
                             f"the test example '{example.text}' is also a training example: a test sentence must be new to the model.")

    def check_responses(self) -> None:
        responses_node = _get(self.domain_node, "responses")
        others = [code for code in self.languages if code != self.default]
        missing: Dict[str, List[Tuple[str, Optional[int]]]] = defaultdict(list)
        for name, variations in self.responses.items():
            line = _line(_key_node(responses_node, name))
            if not isinstance(variations, list) or not variations:
                self.add("domain.yml", line, f"response '{name}' has no text: give it a list of variations, one per language.")
                continue
            seen: Counter[str] = Counter()
            for variation in variations:
                if not isinstance(variation, dict):
                    continue
                language = next((str(c.get("value")) for c in variation.get("condition") or []
                                 if isinstance(c, dict) and c.get("name") == "language"), self.default)
                seen[language] += 1
                if language not in self.languages:
                    self.add("domain.yml", line, f"response '{name}' has a variation for '{language}', which is not a language of the bot (no {NLU_DIR}/{language}/).")
                if not str(variation.get("text") or variation.get("custom") or variation.get("image") or "").strip():
                    self.add("domain.yml", line, f"response '{name}' has an empty text in its '{language}' variation.")
            if not seen[self.default]:
                self.add("domain.yml", line, f"response '{name}' has no variation without a condition: that one is the '{self.default}' text (the default).")
            for language in others:
                if not seen[language]:
                    missing[language].append((name, line))
            for language, count in seen.items():
                if count > 1:
                    self.add("domain.yml", line, f"response '{name}' has {count} variations for '{language}': keep one.")
        for language, names in missing.items():
            how = f"add one with condition: [{{type: slot, name: language, value: {language}}}]"
            if len(names) <= 5:
                for name, line in names:
                    self.add("domain.yml", line, f"response '{name}' has no '{language}' variation: {how}.")
            else:  # a new language: one message, not one per response
                listed = ", ".join(name for name, _ in names[:8])
                self.add("domain.yml", names[0][1],
                         f"{len(names)} of {len(self.responses)} responses have no '{language}' variation ({listed}, …): "
                         f"to each, {how}.")

    def check_faq_answers(self) -> None:
        used = set()
        for language, examples in self.examples.items():
            used |= {e.label for e in examples if "/" in e.label}
        for key in sorted(used - set(self.faq_keys)):
            pass  # reported by _check_labels_exist with the example's line
        for key in self.faq_keys:
            if not any(e.label == key for examples in self.examples.values() for e in examples):
                responses_node = _get(self.domain_node, "responses")
                self.add("domain.yml", _line(_key_node(responses_node, f"utter_{key}")),
                         f"the answer utter_{key} has no training examples: add '- intent: {key}' examples to {NLU_DIR}/<language>/faq.yml, or remove the answer.")

    def check_keywords(self) -> None:
        known = [i for i in self.intents if i not in self.retrieval_intents] + self.faq_keys
        for file in self.project.under(NLU_DIR):
            if not file.relative.endswith("keywords.yml"):
                continue
            keywords_node = _get(file.node, "keywords")
            data = file.data.get("keywords") if isinstance(file.data, dict) else None
            if data is None:
                self.add(file.relative, None, "has no keywords: section (keywords: then one line per intent).")
                continue
            if not isinstance(data, dict):
                self.add(file.relative, _line(keywords_node), "keywords: must map intent names to lists of words.")
                continue
            for intent, words in data.items():
                line = _line(_key_node(keywords_node, intent))
                if intent not in known:
                    self.add(file.relative, line, f"keywords for '{intent}', which is not an intent or FAQ of domain.yml.{_did_you_mean(str(intent), known)}")
                if not isinstance(words, list) or not [w for w in words if str(w or "").strip()]:
                    self.add(file.relative, line, f"the keyword list of '{intent}' is empty: write [word, \"several words\"] or remove the line.")

    def check_stories(self) -> None:
        files = self.project.under("data") + self.project.under("tests/stories")
        forms = self.forms
        for file in files:
            if not isinstance(file.data, dict):
                continue
            for section in ("stories", "rules"):
                for block in _items(_get(file.node, section)):
                    name = getattr(_get(block, "story") or _get(block, "rule"), "value", "?")
                    for step in _items(_get(block, "steps")) + _items(_get(block, "condition")):
                        self._check_step(file, section[:-1] if section == "rules" else "story", name, step, forms)

    def _check_step(self, file: _File, kind: str, name: str, step: yaml.Node, forms: set) -> None:
        for or_step in _items(_get(step, "or")):
            self._check_step(file, kind, name, or_step, forms)
        intent = _get(step, "intent")
        if isinstance(intent, yaml.ScalarNode) and not self.known_label(str(intent.value)):
            self.add(file.relative, _line(intent),
                     f"{kind} '{name}' uses intent '{intent.value}', which is not in domain.yml.{_did_you_mean(str(intent.value), self.intents + self.faq_keys)}")
        action = _get(step, "action")
        if isinstance(action, yaml.ScalarNode):
            value = str(action.value)
            if value not in self.actions and value not in RASA_DEFAULT_ACTIONS and not (
                    value.startswith("utter_") and any(r.startswith(value + "/") for r in self.responses)):
                self.add(file.relative, _line(action),
                         f"{kind} '{name}' uses action '{value}', which is neither a response nor an action of domain.yml.{_did_you_mean(value, sorted(self.actions))}")
        loop = _get(step, "active_loop")
        if isinstance(loop, yaml.ScalarNode) and loop.value not in ("", "null", "~") and loop.value not in forms:
            self.add(file.relative, _line(loop), f"{kind} '{name}' uses form '{loop.value}', which is not in domain.yml → forms.")
        for slot_item in _items(_get(step, "slot_was_set")):
            for key_node, _ in slot_item.value if isinstance(slot_item, yaml.MappingNode) else [(slot_item, None)]:
                if key_node.value not in self.slots and key_node.value not in RASA_DEFAULT_SLOTS:
                    self.add(file.relative, _line(key_node), f"{kind} '{name}' sets slot '{key_node.value}', which is not in domain.yml → slots.")


def problems(root: Path) -> List[Problem]:
    """Everything an editor must fix before training, in file order."""
    project = Project(root)
    if project.syntax_problems:
        return project.syntax_problems  # nothing else can be read reliably until the YAML parses
    checker = Checker(project)
    if not checker.check_domain_present():
        return checker.problems
    checker.check_languages()
    checker.check_training_examples()
    checker.check_test_split()
    checker.check_responses()
    checker.check_faq_answers()
    checker.check_keywords()
    checker.check_stories()
    unique = list(dict.fromkeys(checker.problems))
    return sorted(unique, key=lambda p: (p.path, p.line or 0))


def report(found: List[Problem]) -> str:
    if not found:
        return "The data is valid."
    lines = [f"  ✗ {problem}" for problem in found]
    word = "problem" if len(found) == 1 else "problems"
    return "\n".join([f"{len(found)} {word} in the data:"] + lines)
