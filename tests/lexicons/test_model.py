"""Lexicon files: the shipped ones load, and a broken one reports every problem at once."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from isic_nlp.errors import IsicError
from isic_nlp.lexicons import (
    check_lexicon_files,
    load_lexicon,
    load_lexicons,
    parse_lexicon,
    shipped_lexicon_names,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

# One problem of each kind, each on a known line (numbers on the right are the
# file's own line numbers; keep them in step when editing).
BROKEN = textwrap.dedent(
    """\
    name: broken
    version: 1.0
    description: A lexicon with one problem of each kind.
    colour: blue
    labels:
      rights: {group: individual}
      participation: {group: collective}
    entries:
      - id: rights.droit_information
        label: rights
        pattern: droit à l'information
      - id: rights.droit_information
        label: rights
        pattern: libre choix
      - id: rights.dignite
        label: droits
        pattern: dignité
      - id: participation.cvs
        label: participation
        pattern: conseil de la vie sociale
      - id: rights.cvs
        label: rights
        pattern: Conseil de la  vie sociale
      - id: rights.bad_tokens
        label: rights
        tokens:
          - {LOWER: {NOT_AN_OP: ["droit"]}}
      - id: rights.pos_tokens
        label: rights
        tokens:
          - {POS: NOUN}
          - {LOWER: "personne"}
      - id: rights.yes
        label: rights
        pattern: yes
      - id: rights.vie_privee
        label: rights
        pattern: vie privée
        wieght: 2
    """
)

EXPECTED_PROBLEMS = [
    (4, "unknown key 'colour'"),
    (2, "'version' must be a semantic version MAJOR.MINOR.PATCH, got '1.0'"),
    (12, "duplicate id 'rights.droit_information' (first at line 9)"),
    (16, "unknown label 'droits'"),
    (21, "is under two labels: 'rights' here and 'participation' in entry 'participation.cvs' at line 18"),
    (26, "malformed token pattern"),
    (30, "malformed token pattern: uses POS"),
    (35, "malformed pattern True"),
    (39, "unknown key 'wieght' in entry"),
]


def test_every_shipped_lexicon_validates():
    assert check_lexicon_files() == []


@pytest.mark.parametrize("name", ["framing", "isic_modes", "context"])
def test_each_shipped_lexicon_loads_with_version_and_hash(name):
    lexicon = load_lexicon(name)
    assert lexicon.name == name
    assert re.fullmatch(r"\d+\.\d+\.\d+", lexicon.version)
    assert re.fullmatch(r"[0-9a-f]{64}", lexicon.sha256)
    assert len(lexicon.entries) > 0


def test_shipped_names():
    assert shipped_lexicon_names() == ["context", "framing", "isic_modes"]


def test_test_lexicons_validate():
    # The component tests rely on these fixtures: they must stay valid.
    paths = sorted((FIXTURES / "lexicons").glob("*.yaml"))
    assert [p.name for p in paths] == ["test_context.yaml", "test_framing.yaml", "test_modes.yaml"]
    assert check_lexicon_files(paths) == []


def test_broken_lexicon_reports_every_problem_with_its_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    problems = check_lexicon_files([path])
    assert [p.line for p in problems] == [line for line, _ in EXPECTED_PROBLEMS]
    for problem, (_, message) in zip(problems, EXPECTED_PROBLEMS):
        assert problem.file == str(path)
        assert message in problem.message
        assert str(problem) == f"{path}:{problem.line}: {problem.message}"


def test_loading_a_broken_lexicon_raises_one_error_listing_all_problems(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    with pytest.raises(IsicError) as info:
        load_lexicon(str(path))
    message = str(info.value)
    assert message.startswith(f"[isic:E102] {len(EXPECTED_PROBLEMS)} problem(s) in lexicon files")
    for line, _ in EXPECTED_PROBLEMS:
        assert f"{path}:{line}: " in message


def minimal(entries: str, version: str = "1.0.0") -> str:
    return (
        f"name: mini\nversion: {version}\ndescription: test\nlabels:\n"
        "  rights: {group: individual}\nentries:\n" + textwrap.dedent(entries)
    )


@pytest.mark.parametrize(
    "entries, line, message",
    [
        ("- id: a\n  label: rights\n  pattern: 2002\n", 9, "malformed pattern 2002"),
        ("- id: a\n  label: rights\n  pattern: ''\n", 9, "malformed pattern ''"),
        ("- id: a\n  label: rights\n", 7, "exactly one of 'pattern'"),
        ("- id: a\n  label: rights\n  pattern: droit\n  tokens: [{LOWER: droit}]\n", 7, "exactly one of"),
        ("- id: a b\n  label: rights\n  pattern: droit\n", 7, "entry needs an 'id'"),
        ("- id: a\n  label: rights\n  pattern: droit\n  weight: 0\n", 10, "'weight' must be a positive number"),
        ("- id: a\n  label: rights\n  pattern: droit\n  match: stem\n", 10, "'match' must be one of lemma, lower"),
        ("- id: a\n  label: rights\n  pattern: droit\n  sense: faux_ami\n", 10, "'sense' must be one of false_friend"),
        ("- id: a\n  label: rights\n  tokens: [{TAG: NOUN}]\n", 9, "uses TAG"),
        ("- id: a\n  label: rights\n  pattern: droit\n- id: b\n  label: rights\n  pattern: Droit\n", 10,
         "duplicate pattern 'Droit' (also in entry 'a' at line 7)"),
        # context options (since context 2.8.0)
        ("- id: a\n  label: rights\n  pattern: droit\n  also: hypothesis\n", 10, "'also' must be a non-empty list"),
        ("- id: a\n  label: rights\n  pattern: droit\n  also: [hypothesis]\n", 10,
         "'also' names unknown label(s) hypothesis"),
        ("- id: a\n  label: rights\n  pattern: droit\n  also: [rights]\n", 10, "repeats the entry's own label"),
        ("- id: a\n  label: rights\n  pattern: droit\n  subject_past_reference: yes please\n", 10,
         "'subject_past_reference' must be true or false, got 'yes please'"),
        ("- id: a\n  label: rights\n  pattern: droit\n  adverbial_condition: 1\n", 10,
         "'adverbial_condition' must be true or false, got 1"),
        ("- id: a\n  label: rights\n  pattern: droit\n  double_negation_after: ne\n", 10,
         "'double_negation_after' must be a non-empty list of single words"),
        ("- id: a\n  label: rights\n  pattern: droit\n  double_negation_after: [ne pas]\n", 10,
         "'double_negation_after' must be a non-empty list of single words"),
        ("- id: a\n  label: rights\n  pattern: droit\n  finite_verbs: []\n", 10,
         "'finite_verbs' must be a non-empty list of single words"),
    ],
)
def test_single_problem_and_its_line(entries, line, message):
    _, problems = parse_lexicon(minimal(entries), "mini.yaml")
    assert [(p.line, message in p.message) for p in problems] == [(line, True)]


def test_context_options_are_read():
    """``also``, ``subject_past_reference``, ``adverbial_condition`` and ``double_negation_after``
    (context 2.8.0), ``in_clause`` (2.10.0) and ``finite_verbs`` (2.10.1) reach the entry."""
    text = (
        "name: mini\nversion: 1.0.0\ndescription: test\nlabels:\n  exception: {group: context}\n"
        "  hypothesis: {group: context}\nentries:\n"
        "  - {id: a, label: exception, pattern: sauf si, also: [hypothesis]}\n"
        "  - {id: b, label: exception, pattern: sans, subject_past_reference: true, double_negation_after: [ne, \"N'\"]}\n"
        "  - {id: c, label: exception, pattern: hormis, adverbial_condition: true, in_clause: true, finite_verbs: [Ont, a]}\n"
    )
    lexicon, problems = parse_lexicon(text, "m.yaml")
    assert problems == []
    a, b, c = lexicon.entries
    assert (a.also, b.subject_past_reference, b.double_negation_after) == (("hypothesis",), True, ("ne", "n'"))
    assert (c.also, c.subject_past_reference, c.double_negation_after) == ((), False, ())
    assert (a.adverbial_condition, c.adverbial_condition) == (False, True)
    assert (a.in_clause, c.in_clause) == (False, True)
    assert (a.finite_verbs, c.finite_verbs) == ((), ("ont", "a"))


@pytest.mark.parametrize("version", ["1.0.0", "2.10.3", "1.0.0-rc.1"])
def test_semantic_versions_are_accepted(version):
    lexicon, problems = parse_lexicon(minimal("- id: a\n  label: rights\n  pattern: droit\n", version), "m.yaml")
    assert problems == []
    assert lexicon.version == version


@pytest.mark.parametrize("version", ["1.0", "v1.0.0", "1", "'1.0.0.0'"])
def test_bad_versions_are_refused(version):
    _, problems = parse_lexicon(minimal("- id: a\n  label: rights\n  pattern: droit\n", version), "m.yaml")
    assert [(p.line, p.message.startswith("'version' must be a semantic version")) for p in problems] == [(2, True)]


def test_invalid_yaml_gives_its_line():
    _, problems = parse_lexicon("name: x\nversion: 1.0.0\nlabels: [a\n", "x.yaml")
    assert len(problems) == 1
    assert problems[0].message.startswith("not valid YAML")
    assert problems[0].line == 4


def test_hash_is_of_the_file_text():
    import hashlib

    text = minimal("- id: a\n  label: rights\n  pattern: droit\n")
    lexicon, _ = parse_lexicon(text, "m.yaml")
    assert lexicon.sha256 == hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_two_lexicons_with_one_name_are_refused(tmp_path):
    text = minimal("- id: a\n  label: rights\n  pattern: droit\n")
    (tmp_path / "a.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(IsicError, match=r"two lexicons are named 'mini'"):
        load_lexicons([str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml")])


def test_unknown_lexicon_name_is_a_coded_error():
    with pytest.raises(IsicError, match=r"^\[isic:E103\] Unknown lexicon 'framng'"):
        load_lexicon("framng")


# --------------------------------------------------------------------------- CLI


def test_cli_check_shipped_lexicons_ok(cli):
    result = cli("lexicon", "check")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "OK: context, framing, isic_modes."


def test_cli_check_broken_lexicon_lists_every_problem(cli, tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    result = cli("lexicon", "check", str(path))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert [int(re.match(rf"{re.escape(str(path))}:(\d+): ", line).group(1)) for line in lines] == [
        line for line, _ in EXPECTED_PROBLEMS
    ]
    assert result.stderr.strip() == f"{len(EXPECTED_PROBLEMS)} problem(s) in {path}."
    assert "Traceback" not in result.stderr


def test_cli_check_missing_file_is_a_coded_error(cli, tmp_path):
    result = cli("lexicon", "check", str(tmp_path / "absent.yaml"))
    assert result.returncode == 2
    assert result.stderr.startswith("[isic:E103] ")
    assert "Traceback" not in result.stderr


USAGE_LEXICON = """\
name: usage
version: 1.0.0
description: Entries that fire, never fire, or are always shadowed.
labels:
  participation: {group: collective}
  social_bond: {group: collective}
entries:
  - id: participation.cvs
    label: participation
    pattern: conseil de la vie sociale
  - id: social_bond.vie_sociale
    label: social_bond
    pattern: vie sociale
  - id: participation.conseil_citoyen
    label: participation
    pattern: conseil citoyen
"""

# CASF L311-6 and annex 3-10: "vie sociale" only ever occurs inside "conseil de la vie sociale".
USAGE_CORPUS = (
    '{"id": "L311-6", "text": "Afin d\'associer les personnes bénéficiaires, il est institué un conseil de la vie sociale."}\n'
    '{"id": "A3-10", "text": "Les comptes rendus du conseil de la vie sociale."}\n'
)


def test_cli_check_corpus_lists_never_firing_and_shadowed_entries(cli, tmp_path):
    lexicon = tmp_path / "usage.yaml"
    lexicon.write_text(USAGE_LEXICON, encoding="utf-8")
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(USAGE_CORPUS, encoding="utf-8")
    result = cli("lexicon", "check", str(lexicon), "--corpus", str(corpus))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"OK: {lexicon}.",
        f"{lexicon}:11: entry 'social_bond.vie_sociale' shadowed by participation.cvs (2) (2 matches, 0 kept)",
        f"{lexicon}:14: entry 'participation.conseil_citoyen' never fires (0 matches, 0 kept)",
        "On the corpus: 1 entries fire, 1 never fire, 1 are always shadowed by another entry.",
    ]


def test_duplicate_key_in_an_entry_is_reported_on_its_own_line():
    text = textwrap.dedent(
        """\
        name: dup
        version: 1.0.0
        labels:
          rights: {group: individual}
        entries:
          - id: rights.a
            label: rights
            pattern: libre choix
            pattern: droit à l'information
        """
    )
    lexicon, problems = parse_lexicon(text, "dup.yaml")
    assert lexicon is None
    assert [str(p) for p in problems] == ["dup.yaml:9: duplicate key 'pattern' in entry"]
