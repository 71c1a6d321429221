"""Lexicon files: parse, validate (every problem at once, as ``file:line``) and describe.

A lexicon is a commented YAML file (format: ``lexicons/README.md``). This module
turns one into a :class:`Lexicon`, an immutable value with its name, semantic
version, SHA-256 and entries, each entry remembering the line it came from.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from spacy.schemas import validate_token_pattern

SEMVER = re.compile(r"^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$")
NAME = re.compile(r"^[a-z0-9_]+$")
ENTRY_ID = re.compile(r"^[A-Za-z0-9_.-]+$")
DIRECTIONS = ("forward", "backward", "both")
MATCH_MODES = ("lemma", "lower")
SENSES = ("false_friend",)
# Token attributes that the `fast` pipeline (no statistical model) does not set.
MODEL_ONLY_ATTRS = {
    "POS",
    "TAG",
    "MORPH",
    "DEP",
    "ENT_TYPE",
    "ENT_IOB",
    "ENT_ID",
    "ENT_KB_ID",
    "HEAD",
    "SENT_START",
    "IS_SENT_START",
}
TOP_KEYS = {"name", "version", "description", "sources", "labels", "entries"}
LABEL_KEYS = {"group", "description", "direction", "max_scope", "stop_at"}
ENTRY_KEYS = {
    "id",
    "label",
    "pattern",
    "variants",
    "tokens",
    "match",
    "sense",
    "unless_sentence",
    "weight",
    "note",
    "direction",
    "max_scope",
    "stop_at",
    "also",
    "subject_past_reference",
    "adverbial_condition",
    "double_negation_after",
    "in_clause",
    "finite_verbs",
}


@dataclass(frozen=True)
class Problem:
    """One problem found in a lexicon file."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Label:
    """A label declared by a lexicon, with its group (e.g. ``individual``)."""

    name: str
    group: str
    description: str = ""
    direction: str | None = None
    max_scope: int | None = None
    stop_at: tuple[str, ...] = ()


@dataclass(frozen=True)
class Entry:
    """One lexicon entry: what to match, under which label, and why."""

    id: str
    label: str
    phrases: tuple[str, ...] = ()
    tokens: tuple[dict, ...] | None = None
    match: str = "lemma"
    sense: str | None = None
    unless_sentence: tuple[str, ...] = ()
    weight: float = 1.0
    note: str = ""
    direction: str | None = None
    max_scope: int | None = None
    stop_at: tuple[str, ...] | None = None
    # Context only (since context 2.8.0): labels that the cue flags as well as its own ('sauf si':
    # exception and hypothesis); a backward cue that reaches its subject past a reference
    # ('Le droit … mentionné à l'article 21 ne s'applique pas'); the words that, before the cue
    # in its clause, make it the second negation of a double negation ('ne … sans').
    also: tuple[str, ...] = ()
    subject_past_reference: bool = False
    # A whole adverbial condition ('le cas échéant', 's'il y a lieu'): the words after it up to the
    # next pause; set off by pauses, the words after its closing pause.
    adverbial_condition: bool = False
    double_negation_after: tuple[str, ...] = ()
    # Since context 2.10.1 (in the code in 2.10.0): words that open the clause's finite verb ('ont
    # droit à'), which the cue ('sans' + a noun before it) does not deny.
    finite_verbs: tuple[str, ...] = ()
    # Since context 2.10.0: an exception that qualifies a word inside its clause ('un motif autre
    # qu'une faute grave', 'exclusivement', 'seul le'): it opens no clause of its own.
    in_clause: bool = False
    line: int = 0


@dataclass(frozen=True)
class Lexicon:
    """A parsed, validated lexicon file.

    Example:
        >>> from isic_nlp.lexicons import load_lexicon
        >>> lexicon = load_lexicon("framing")
        >>> lexicon.name, lexicon.labels["rights"].group
        ('framing', 'individual')
    """

    name: str
    version: str
    description: str
    sources: tuple[str, ...]
    labels: dict[str, Label]
    entries: tuple[Entry, ...]
    file: str
    text: str = field(repr=False)
    sha256: str = ""

    @property
    def entries_by_id(self) -> dict[str, Entry]:
        return {entry.id: entry for entry in self.entries}

    def info(self) -> dict[str, Any]:
        """Name, version, hash and size, as recorded in every output."""
        return {
            "name": self.name,
            "version": self.version,
            "sha256": self.sha256,
            "file": self.file,
            "n_entries": len(self.entries),
        }


# --- YAML with line numbers ---------------------------------------------------


class _LineDict(dict):
    """A mapping that remembers the line of itself and of each of its keys."""

    line: int = 0
    key_lines: dict[str, int]
    duplicate_keys: list[tuple[str, int]]


#: Aliases (``*name``) a lexicon file may use: a few are handy, thousands are an alias bomb
#: ("billion laughs"), which would expand to gigabytes when the file is checked.
MAX_ALIASES = 50


class _LineLoader(yaml.SafeLoader):
    """A safe loader that remembers lines and refuses more than :data:`MAX_ALIASES` aliases."""

    _aliases = 0

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                mark = self.peek_event().start_mark
                raise yaml.composer.ComposerError(
                    None,
                    None,
                    f"more than {MAX_ALIASES} aliases (*name); refused, as a YAML alias bomb "
                    "would expand to gigabytes: write the values out",
                    mark,
                )
        return super().compose_node(parent, index)


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _LineDict:
    mapping = _LineDict(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    mapping.duplicate_keys = []
    for key_node, _ in node.value:
        key = str(key_node.value)
        line = key_node.start_mark.line + 1
        if key in mapping.key_lines:
            mapping.duplicate_keys.append((key, line))
        else:
            mapping.key_lines[key] = line
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _line_of(mapping: Any, key: str | None = None, default: int = 1) -> int:
    if isinstance(mapping, _LineDict):
        if key is not None and key in mapping.key_lines:
            return mapping.key_lines[key]
        return mapping.line
    return default


def normalise_phrase(phrase: str) -> str:
    """Lower-case a phrase and fold its white space (used to compare patterns)."""
    return " ".join(phrase.lower().replace("’", "'").split())


# --- Parsing and validation -----------------------------------------------------


def parse_lexicon(text: str, file: str) -> tuple[Lexicon | None, list[Problem]]:
    """Parse and validate the text of a lexicon file.

    Returns the lexicon (``None`` when the file cannot be used at all) and every
    problem found; a lexicon with problems must not be used.

    Example:
        >>> lexicon, problems = parse_lexicon("name: x\\nversion: 1.0\\n", "x.yaml")
        >>> [str(p) for p in problems][:1]
        ["x.yaml:2: 'version' must be a semantic version MAJOR.MINOR.PATCH, got '1.0'"]
    """
    problems: list[Problem] = []

    def problem(line: int, message: str) -> None:
        problems.append(Problem(file, line, message))

    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        reason = getattr(err, "problem", None) or str(err)
        problem(line, f"not valid YAML: {reason}")
        return None, problems
    if not isinstance(data, dict):
        problem(1, "a lexicon file must be a mapping with name, version, labels and entries")
        return None, problems

    for key, line in data.duplicate_keys:
        problem(line, f"duplicate key '{key}'")
    for key in data:
        if key not in TOP_KEYS:
            problem(
                _line_of(data, key), f"unknown key '{key}' (known: {', '.join(sorted(TOP_KEYS))})"
            )

    name = data.get("name")
    if not isinstance(name, str) or not NAME.match(name):
        problem(
            _line_of(data, "name"), f"'name' must be lower-case letters, digits or _, got {name!r}"
        )
    version = data.get("version")
    if not isinstance(version, str) or not SEMVER.match(version):
        problem(
            _line_of(data, "version"),
            f"'version' must be a semantic version MAJOR.MINOR.PATCH, got {str(version)!r}",
        )
    description = data.get("description") or ""
    sources = data.get("sources") or []
    if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
        problem(_line_of(data, "sources"), "'sources' must be a list of texts")
        sources = []

    labels = _parse_labels(data, problem)
    entries = _parse_entries(data, labels, problem)
    if problems:
        return None, problems
    lexicon = Lexicon(
        name=name,
        version=version,
        description=str(description).strip(),
        sources=tuple(sources),
        labels=labels,
        entries=tuple(entries),
        file=file,
        text=text,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )
    return lexicon, problems


def _parse_labels(data: _LineDict, problem) -> dict[str, Label]:
    raw = data.get("labels")
    if not isinstance(raw, dict) or not raw:
        problem(
            _line_of(data, "labels"),
            "'labels' must map each label to its group, e.g. rights: {group: individual}",
        )
        return {}
    labels: dict[str, Label] = {}
    for key, line in getattr(raw, "duplicate_keys", []):
        problem(line, f"label '{key}' declared twice")
    for name, spec in raw.items():
        line = _line_of(raw, name)
        if not isinstance(name, str) or not NAME.match(name):
            problem(line, f"label name must be lower-case letters, digits or _, got {name!r}")
            continue
        if not isinstance(spec, dict):
            problem(line, f"label '{name}' must be a mapping like {{group: individual}}")
            continue
        for key in spec:
            if key not in LABEL_KEYS:
                problem(_line_of(spec, key, line), f"unknown key '{key}' in label '{name}'")
        group = spec.get("group")
        if not isinstance(group, str) or not NAME.match(group):
            problem(line, f"label '{name}' needs a 'group' (lower-case word)")
            continue
        direction = spec.get("direction")
        if direction is not None and direction not in DIRECTIONS:
            problem(line, f"label '{name}': direction must be one of {', '.join(DIRECTIONS)}")
        max_scope = spec.get("max_scope")
        if max_scope is not None and (not isinstance(max_scope, int) or max_scope < 0):
            problem(line, f"label '{name}': max_scope must be a whole number of tokens")
        stop_at = _stop_at(spec.get("stop_at"), raw, lambda message, line=line: problem(line, f"label '{name}': {message}"))
        labels[name] = Label(
            name, group, str(spec.get("description", "")), direction, max_scope, tuple(stop_at or ())
        )
    return labels


def _stop_at(value: Any, labels: dict, report) -> list[str] | None:
    """Check a ``stop_at`` list: labels of the same file whose cues end a scope."""
    if value is None:
        return None
    return _label_names("stop_at", value, labels, report)


def _label_names(key: str, value: Any, labels: dict, report, non_empty: bool = False) -> list[str] | None:
    """Check the list of label names that option ``key`` gives: a list of strings (not empty if
    ``non_empty``), each a label of the same file; None (reported) when it is not."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value) or (non_empty and not value):
        report(f"'{key}' must be a {'non-empty ' if non_empty else ''}list of label names, got {value!r}")
        return None
    unknown = [v for v in value if v not in labels]
    if unknown:
        report(f"'{key}' names unknown label(s) {', '.join(unknown)} (labels of this file: {', '.join(labels)})")
        return None
    return list(value)


def _parse_entries(data: _LineDict, labels: dict[str, Label], problem) -> list[Entry]:
    raw = data.get("entries")
    if not isinstance(raw, list):
        problem(_line_of(data, "entries"), "'entries' must be a list of entries ('- id: ...')")
        return []
    entries: list[Entry] = []
    seen_ids: dict[str, int] = {}
    seen_phrases: dict[str, tuple[str, str, int]] = {}
    for item in raw:
        line = _line_of(item, None, _line_of(data, "entries"))
        if not isinstance(item, dict):
            problem(line, "an entry must be a mapping with at least id, label and pattern")
            continue
        entry = _parse_entry(item, line, labels, problem)
        if entry is None:
            continue
        if entry.id in seen_ids:
            problem(line, f"duplicate id '{entry.id}' (first at line {seen_ids[entry.id]})")
            continue
        seen_ids[entry.id] = line
        for phrase in entry.phrases:
            key = normalise_phrase(phrase)
            if key in seen_phrases:
                other_id, other_label, other_line = seen_phrases[key]
                where = f"entry '{other_id}' at line {other_line}"
                if other_label != entry.label:
                    problem(
                        line,
                        f"pattern '{phrase}' is under two labels: '{entry.label}' here and '{other_label}' in {where}",
                    )
                else:
                    problem(line, f"duplicate pattern '{phrase}' (also in {where})")
            else:
                seen_phrases[key] = (entry.id, entry.label, line)
        entries.append(entry)
    return entries


def _parse_entry(item: dict, line: int, labels: dict[str, Label], problem) -> Entry | None:
    ok = True

    def bad(key: str, message: str) -> None:
        nonlocal ok
        ok = False
        problem(_line_of(item, key, line), message)

    for key, key_line in getattr(item, "duplicate_keys", []):
        ok = False
        problem(key_line, f"duplicate key '{key}' in entry")
    for key in item:
        if key not in ENTRY_KEYS:
            bad(key, f"unknown key '{key}' in entry (known: {', '.join(sorted(ENTRY_KEYS))})")

    entry_id = item.get("id")
    if not isinstance(entry_id, str) or not ENTRY_ID.match(entry_id):
        bad("id", f"entry needs an 'id' of letters, digits, '.', '_' or '-', got {entry_id!r}")
        entry_id = None
    label = item.get("label")
    if label not in labels:
        known = ", ".join(labels) or "none declared"
        bad("label", f"unknown label {label!r} (labels of this file: {known})")

    phrases: list[str] = []
    has_pattern = "pattern" in item
    has_tokens = "tokens" in item
    if has_pattern == has_tokens:
        bad(
            "id", "an entry needs exactly one of 'pattern' (a phrase) or 'tokens' (a token pattern)"
        )
    if has_pattern:
        for value in [item["pattern"], *_as_list(item.get("variants"))]:
            if not isinstance(value, str) or not value.split():
                bad(
                    "pattern",
                    f"malformed pattern {value!r}: a phrase must be non-empty text (quote it if YAML "
                    "reads it as a number or yes/no)",
                )
            else:
                phrases.append(" ".join(value.split()))
        if "variants" in item and not isinstance(item["variants"], list):
            bad("variants", "'variants' must be a list of phrases")
    elif "variants" in item:
        bad("variants", "'variants' goes with 'pattern', not with 'tokens'")
    tokens = None
    if has_tokens:
        tokens = item["tokens"]
        errors = (
            validate_token_pattern(tokens)
            if isinstance(tokens, list) and tokens
            else ["must be a non-empty list"]
        )
        model_only = (
            sorted(
                {str(k).upper() for t in tokens if isinstance(t, dict) for k in t}
                & MODEL_ONLY_ATTRS
            )
            if not errors
            else []
        )
        if model_only:
            errors = [
                f"uses {', '.join(model_only)}, which the fast pipeline does not set; use LOWER, LEMMA or IS_* attributes"
            ]
        if not errors:
            errors = _span_problems(tokens) + [p for t in tokens for p in _regex_problems(t)]
        if errors:
            bad("tokens", f"malformed token pattern: {'; '.join(str(e) for e in errors)}")
            tokens = None
        else:
            tokens = tuple(tokens)

    match = item.get("match", "lemma")
    if match not in MATCH_MODES:
        bad("match", f"'match' must be one of {', '.join(MATCH_MODES)}, got {match!r}")
    sense = item.get("sense")
    if sense is not None and sense not in SENSES:
        bad("sense", f"'sense' must be one of {', '.join(SENSES)}, got {sense!r}")
    unless = _as_list(item.get("unless_sentence"))
    if not all(isinstance(u, str) and u.strip() for u in unless):
        bad("unless_sentence", "'unless_sentence' must be a list of words or phrases")
    weight = item.get("weight", 1.0)
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight <= 0:
        bad("weight", f"'weight' must be a positive number, got {weight!r}")
    direction = item.get("direction")
    if direction is not None and direction not in DIRECTIONS:
        bad("direction", f"'direction' must be one of {', '.join(DIRECTIONS)}, got {direction!r}")
    max_scope = item.get("max_scope")
    if max_scope is not None and (
        isinstance(max_scope, bool) or not isinstance(max_scope, int) or max_scope < 0
    ):
        bad("max_scope", f"'max_scope' must be a whole number of tokens, got {max_scope!r}")
    stop_at = None
    if "stop_at" in item:
        stop_at = _stop_at(item["stop_at"], labels, lambda message: bad("stop_at", message))
    also = _also(item, labels, label, bad)
    switches = {key: item.get(key, False) for key in ("subject_past_reference", "adverbial_condition", "in_clause")}
    for key, value in switches.items():
        if not isinstance(value, bool):
            bad(key, f"'{key}' must be true or false, got {value!r}")
    double_negation_after = _single_words(item, "double_negation_after", "[ne, \"n'\", interdit]", bad)
    finite_verbs = _single_words(item, "finite_verbs", "[a, ont, peut]", bad)
    if not ok or entry_id is None:
        return None
    return Entry(
        id=entry_id,
        label=label,
        phrases=tuple(phrases),
        tokens=tokens,
        match=match,
        sense=sense,
        unless_sentence=tuple(normalise_phrase(u) for u in unless),
        weight=float(weight),
        note=str(item.get("note") or ""),
        direction=direction,
        max_scope=max_scope,
        stop_at=tuple(stop_at) if stop_at is not None else None,
        also=also,
        subject_past_reference=switches["subject_past_reference"],
        adverbial_condition=switches["adverbial_condition"],
        double_negation_after=double_negation_after,
        in_clause=switches["in_clause"],
        finite_verbs=finite_verbs,
        line=line,
    )


def _single_words(item: dict, key: str, example: str, bad) -> tuple[str, ...]:
    """Check an option that is a list of single words (``double_negation_after``, ``finite_verbs``);
    the words in lower case."""
    words = _as_list(item.get(key))
    if key in item and (
        not isinstance(item[key], list) or not words
        or not all(isinstance(w, str) and len(w.split()) == 1 for w in words)
    ):
        bad(key, f"'{key}' must be a non-empty list of single words (e.g. {example}), got {item[key]!r}")
        return ()
    return tuple(w.lower() for w in words)


def _also(item: dict, labels: dict, label: Any, bad) -> tuple[str, ...]:
    """Check an ``also`` list: other labels of the same file that the cue flags too."""
    if "also" not in item:
        return ()
    value = _label_names("also", item["also"], labels, lambda message: bad("also", message), non_empty=True)
    if value is None:
        return ()
    if label in value:
        bad("also", f"'also' repeats the entry's own label {label!r}")
    return tuple(value)


# Token operators that let a token be absent: "?", "*", "{,n}", "{0}", "{0,n}".
_OPTIONAL_OP = re.compile(r"^(?:\?|\*|\{0?(?:,\d*)?\})$")
# Operators that repeat a token without bound: "*", "+", "{n,}".
_UNBOUNDED_OP = re.compile(r"^(?:\*|\+|\{\d*,\})$")


def _span_problems(tokens: list) -> list[str]:
    """A token pattern must match at least one token and a bounded span.

    Refused: every token optional (the pattern can match an empty span), and a
    token without any condition repeated without bound (``{OP: "*"}``: any run
    of tokens, up to the whole document).
    """
    problems = []
    ops = [str(t.get("OP", t.get("op", ""))) if isinstance(t, dict) else "" for t in tokens]
    if all(_OPTIONAL_OP.match(op) for op in ops):
        problems.append("every token is optional (OP ?, * or {0,n}): the pattern can match an empty span")
    for number, (token, op) in enumerate(zip(tokens, ops), start=1):
        conditions = [k for k in token if str(k).upper() != "OP"] if isinstance(token, dict) else []
        if _UNBOUNDED_OP.match(op) and not conditions:
            problems.append(
                f"token {number} has no condition and OP {op!r}: it matches any run of tokens "
                "(an unbounded span); give it a condition or a bound like {0,3}"
            )
    return problems


#: Python's regular-expression parser (``sre_parse``), to look into REGEX patterns.
try:
    from re import _parser as _sre_parse  # Python 3.11+
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse as _sre_parse  # type: ignore[no-redef]

_REPEATS = {"MAX_REPEAT", "MIN_REPEAT"}


def _regex_problems(token: Any) -> list[str]:
    r"""Compile every ``REGEX`` of a token and refuse patterns that can backtrack catastrophically.

    A quantified group that itself holds an unbounded quantifier (``(a+)+``,
    ``(\w*)*``, ``(a|b+)*``) can take exponential time on a text that almost
    matches: Python's ``re`` cannot be stopped, so such patterns are refused
    (rewrite them with one quantifier). Nor can alternatives that can start with
    the same character under a quantifier (``(a|a)*``, ``(a|ab)*c``,
    ``(a|b|ab)*c``; an alternative that can match nothing counts with what
    follows it): this check over-estimates (``(ab|ac)*`` is refused too; write
    ``a[bc]``). Alternatives of one character each (``(\w|\d)+``) are parsed as
    one character class, which cannot backtrack: they are accepted.
    """
    problems = []
    for attr, value in token.items() if isinstance(token, dict) else ():
        specs = value if isinstance(value, dict) else {}
        for key, pattern in specs.items():
            if str(key).upper() != "REGEX":
                continue
            if not isinstance(pattern, str):
                problems.append(f"{attr} REGEX must be a text, got {pattern!r}")
                continue
            try:
                parsed = _sre_parse.parse(pattern)
                re.compile(pattern)
            except (re.error, RecursionError, OverflowError) as err:
                problems.append(f"{attr} REGEX {pattern!r} is not a valid regular expression: {err}")
                continue
            if _nested_repeat(parsed, inside=False):
                problems.append(
                    f"{attr} REGEX {pattern!r} repeats a group that holds an unbounded repeat: it can take "
                    "exponential time (catastrophic backtracking); use a single quantifier"
                )
            elif _ambiguous_branch(list(parsed), repeated=False, follow=frozenset()):
                problems.append(
                    f"{attr} REGEX {pattern!r} repeats a group whose alternatives can match the same characters "
                    "(as in (a|a)*, (a|ab)*c or (a|b|ab)*): it can take exponential time (catastrophic "
                    "backtracking); make the alternatives start differently (e.g. ab? for a|ab)"
                )
    return problems


# Characters the first-character sets of a pattern are computed over: Latin letters with
# French accents, digits, punctuation and the typographic marks of legal texts.
_PROBE = frozenset(chr(c) for c in range(32, 0x250)) | frozenset("\u2019\u00ab\u00bb\u2013\u2014\u2026\u00a0\t\n")
_CATEGORIES = {
    "CATEGORY_DIGIT": str.isdecimal,
    "CATEGORY_WORD": lambda c: c.isalnum() or c == "_",
    "CATEGORY_SPACE": str.isspace,
}


def _in_set(items: Any) -> frozenset[str]:
    """The probe characters a character class ``[...]`` matches (both cases: an over-estimate)."""
    negate = bool(items) and str(items[0][0]) == "NEGATE"
    found = set()
    for op, av in items[1:] if negate else items:
        name = str(op)
        if name == "LITERAL":
            found.add(chr(av))
        elif name == "RANGE":
            found.update(c for c in _PROBE if av[0] <= ord(c) <= av[1])
        elif name == "CATEGORY":
            category = str(av)
            test = _CATEGORIES.get(category.replace("_NOT", ""))
            if test is None:
                found.update(_PROBE)
            else:
                hit = {c for c in _PROBE if test(c)}
                found.update(_PROBE - hit if "_NOT_" in category else hit)
        else:
            found.update(_PROBE)
    found |= {c.swapcase() for c in found if len(c.swapcase()) == 1}
    return frozenset(_PROBE - found if negate else found)


def _first(seq: list) -> tuple[frozenset[str], bool]:
    """The characters a sequence of parsed items can start with, and whether it can match nothing."""
    first: set[str] = set()
    for op, av in seq:
        chars, nullable = _item_first(str(op), av)
        first |= chars
        if not nullable:
            return frozenset(first), False
    return frozenset(first), True


def _item_first(name: str, av: Any) -> tuple[frozenset[str], bool]:
    if name == "LITERAL":
        c = chr(av)
        return frozenset({c, c.swapcase()} if len(c.swapcase()) == 1 else {c}), False
    if name == "NOT_LITERAL":
        return _PROBE - {chr(av)}, False
    if name == "ANY":
        return _PROBE, False
    if name == "IN":
        return _in_set(av), False
    if name == "SUBPATTERN":
        return _first(list(av[-1]))
    if name == "ATOMIC_GROUP":
        return _first(list(av))
    if name == "BRANCH":
        firsts = [_first(list(branch)) for branch in av[1]]
        return frozenset().union(*(f for f, _ in firsts)), any(n for _, n in firsts)
    if name in _REPEATS or name == "POSSESSIVE_REPEAT":
        low, _high, sub = av
        chars, nullable = _first(list(sub))
        return chars, nullable or low == 0
    if name in ("AT", "ASSERT", "ASSERT_NOT"):
        return frozenset(), True
    return _PROBE, True  # group references, conditionals: anything (an over-estimate)


def _ambiguous_branch(seq: list, repeated: bool, follow: frozenset[str]) -> bool:
    """Whether a repeated part of ``seq`` holds alternatives that can start with the same character.

    ``follow`` is what can come after ``seq`` (for an alternative that can match
    nothing). Single-character alternatives (``(\\w|\\d)``) are a character
    class once parsed and cannot backtrack: they are not flagged.
    """
    for index, (op, av) in enumerate(seq):
        name = str(op)
        rest, rest_nullable = _first(seq[index + 1 :])
        after = rest | follow if rest_nullable else rest
        if name == "BRANCH":
            if repeated:
                starts = []
                for branch in av[1]:
                    chars, nullable = _first(list(branch))
                    starts.append(chars | after if nullable else chars)
                if any(a & b for i, a in enumerate(starts) for b in starts[i + 1 :]):
                    return True
            if any(_ambiguous_branch(list(branch), repeated, after) for branch in av[1]):
                return True
        elif name in _REPEATS:
            low, high, sub = av
            sub = list(sub)
            again = high == _sre_parse.MAXREPEAT or high > 1
            # Inside a repeat, what follows an iteration is the next iteration or anything after it.
            inner_follow = (_first(sub)[0] | _PROBE) if again else after
            if _ambiguous_branch(sub, repeated or again, inner_follow):
                return True
        elif name == "SUBPATTERN":
            if _ambiguous_branch(list(av[-1]), repeated, after):
                return True
        elif name in ("ASSERT", "ASSERT_NOT"):
            if _ambiguous_branch(list(av[-1]), repeated, _PROBE):
                return True
    return False


def _nested_repeat(parsed: Any, inside: bool) -> bool:
    """Whether an unbounded repeat sits inside another repeat (of more than one)."""
    for op, av in parsed:
        name = str(op)
        if name in _REPEATS:
            low, high, sub = av
            unbounded = high == _sre_parse.MAXREPEAT
            if inside and unbounded:
                return True
            if _nested_repeat(sub, inside or (unbounded or high > 1)):
                return True
        elif name == "SUBPATTERN":
            if _nested_repeat(av[-1], inside):
                return True
        elif name == "BRANCH":
            if any(_nested_repeat(branch, inside) for branch in av[1]):
                return True
        elif name in ("ASSERT", "ASSERT_NOT", "ATOMIC_GROUP"):
            if _nested_repeat(av[-1] if name != "ATOMIC_GROUP" else av, inside):
                return True
    return False


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def read_lexicon_file(path: Path) -> tuple[Lexicon | None, list[Problem]]:
    """Read and parse one lexicon file from disk (a FIFO or a device is not opened)."""
    if Path(path).exists() and not Path(path).is_file():
        return None, [Problem(str(path), 1, "cannot read the file: not a regular file (a FIFO, device or folder)")]
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        return None, [Problem(str(path), 1, f"cannot read the file: {err}")]
    return parse_lexicon(text, str(path))
