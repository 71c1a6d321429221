"""Lexicon files that would hang or exhaust memory are refused with their line (issue 13, item 3)."""

from __future__ import annotations

import textwrap

import pytest

from isic_nlp.errors import IsicError
from isic_nlp.lexicons import check_lexicon_files, load_lexicon, parse_lexicon


def minimal(entries: str) -> str:
    return (
        "name: mini\nversion: 1.0.0\ndescription: test\nlabels:\n"
        "  rights: {group: individual}\nentries:\n" + textwrap.dedent(entries)
    )


def test_a_yaml_alias_bomb_is_refused_not_expanded():
    # "billion laughs": 9 levels of 10 aliases expand to 10**9 strings if followed.
    levels = ["a0: &a0 lol"] + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    text = minimal("- id: a\n  label: rights\n  pattern: droit\n") + "\n".join(levels) + "\n"
    _, problems = parse_lexicon(text, "bomb.yaml")
    assert len(problems) == 1
    assert problems[0].message.startswith("not valid YAML: more than 50 aliases")
    assert problems[0].line == 16  # a1..a5 (lines 11-15) hold 50 aliases: the 51st is on a6
    # A few aliases are still fine.
    few = minimal("- id: a\n  label: rights\n  pattern: &p droit\n  note: *p\n")
    lexicon, problems = parse_lexicon(few, "ok.yaml")
    assert problems == [] and lexicon.entries[0].note == "droit"


@pytest.mark.parametrize(
    "tokens, message",
    [
        ('[{LOWER: {REGEX: "^(a+)+$"}}]', "catastrophic backtracking"),
        ('[{TEXT: {REGEX: "(\\\\w*)*x"}}]', "catastrophic backtracking"),
        ('[{LOWER: {REGEX: "(droit"}}]', "not a valid regular expression"),
        ('[{OP: "*"}]', "can match an empty span"),
        ('[{LOWER: droit}, {OP: "+"}]', "unbounded span"),
        ('[{LOWER: droit, OP: "?"}, {LOWER: usager, OP: "*"}]', "can match an empty span"),
    ],
)
def test_dangerous_token_patterns_are_refused_at_check_and_load(tmp_path, tokens, message):
    path = tmp_path / "mini.yaml"
    path.write_text(minimal(f"- id: a\n  label: rights\n  tokens: {tokens}\n"), encoding="utf-8")
    problems = check_lexicon_files([path])
    assert [(p.line, message in p.message) for p in problems] == [(9, True)], problems
    with pytest.raises(IsicError) as err:
        load_lexicon(path)
    assert err.value.code == "E102" and message in str(err.value)


@pytest.mark.parametrize(
    "dangerous, safe",
    [
        ('[{LOWER: {REGEX: "^(a+)+$"}}]', '[{LOWER: {REGEX: "^d[ée]cret"}}]'),
        ('[{LOWER: {REGEX: "((ab)+c)*"}}]', '[{LOWER: {REGEX: "(ab)+c+"}}]'),
        ('[{LOWER: droit}, {OP: "*"}, {LOWER: usager}]', '[{LOWER: droit}, {IS_PUNCT: false, OP: "{0,3}"}, {LOWER: usager}]'),
        ('[{LOWER: droit, OP: "*"}]', '[{LOWER: droit, OP: "+"}]'),
    ],
)
def test_the_check_tells_dangerous_patterns_from_safe_ones(dangerous, safe):
    _, problems = parse_lexicon(minimal(f"- id: a\n  label: rights\n  tokens: {dangerous}\n"), "m.yaml")
    assert [p.line for p in problems] == [9]
    _, problems = parse_lexicon(minimal(f"- id: a\n  label: rights\n  tokens: {safe}\n"), "m.yaml")
    assert problems == []


def test_a_fifo_named_as_a_lexicon_is_refused_not_opened(tmp_path):
    import os
    import threading

    path = tmp_path / "pipe.yaml"
    os.mkfifo(path)
    out: dict = {}
    thread = threading.Thread(target=lambda: out.update(problems=check_lexicon_files([path])), daemon=True)
    thread.start()
    thread.join(10)
    assert not thread.is_alive(), "checking the lexicon hung on a FIFO"
    assert [("not a regular file" in p.message) for p in out["problems"]] == [True]
