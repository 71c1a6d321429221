"""Error hygiene: every error has a catalogue code, ``IsicError.code`` says which (issue 9, item 7)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from isic_nlp.errors import Errors, IsicError, IsicValueError
from isic_nlp.reports import stats

PACKAGE = Path(__file__).resolve().parents[1] / "isic_nlp"


def test_code_is_read_from_the_message_or_given():
    assert IsicError(Errors.E001.format(path="x.jsonl")).code == "E001"
    assert IsicError(Errors.W501.format(path="m", package="p", saved="1", current="2")).code == "W501"
    assert IsicError("[isic:E999] made up", code="E004").code == "E004"  # given wins
    assert IsicError("no code here").code is None
    assert IsicError("see [isic:E001] later").code is None  # only a prefix counts
    assert IsicError(Errors.E005.format(path="p", reason="r"), exit_code=3).exit_code == 3


def test_value_errors_are_both_kinds():
    err = IsicValueError(Errors.E625.format(where="f", values="counts"))
    assert isinstance(err, ValueError) and isinstance(err, IsicError)
    assert err.code == "E625" and err.exit_code == 2


def _raised_builtins(path: Path) -> list[str]:
    """``<file>:<line> raise ValueError`` for each bare ``raise ValueError``/``TypeError`` of a file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Raise) and node.exc is not None:
            exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            if isinstance(exc, ast.Name) and exc.id in ("ValueError", "TypeError"):
                found.append(f"{path.name}:{node.lineno} raise {exc.id}")
    return sorted(found)


def test_components_and_stats_raise_no_uncoded_errors():
    files = [*sorted((PACKAGE / "components").glob("*.py")), PACKAGE / "reports" / "stats.py"]
    assert len(files) > 5
    assert [hit for path in files for hit in _raised_builtins(path)] == []


def test_the_checker_sees_a_bare_raise(tmp_path):
    path = tmp_path / "x.py"
    path.write_text(
        "def f(x):\n    if x:\n        raise ValueError('bad')\n    raise TypeError\n"
        "def g():\n    raise IsicValueError(Errors.E625)\n",
        encoding="utf-8",
    )
    assert _raised_builtins(path) == ["x.py:3 raise ValueError", "x.py:4 raise TypeError"]


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda: stats.wilson_interval(3, 10, confidence=1.5), "E006"),
        (lambda: stats.wilson_interval(-1, 10), "E621"),
        (lambda: stats.wilson_interval(11, 10), "E622"),
        (lambda: stats.two_proportion_test(1, 2, 3, 2), "E622"),
        (lambda: stats.cohens_h(1.5, 0.2), "E623"),
        (lambda: stats.chi2_independence([1, 2, 3]), "E626"),
        (lambda: stats.chi2_independence([[1, -2], [3, 4]]), "E621"),
        (lambda: stats.benjamini_hochberg([0.5, 2.0]), "E623"),
        (lambda: stats.lafon_specificity(1.5, 3, 10, 100), "E625"),
        (lambda: stats.log_odds_dirichlet(1, 3, 10, 100, prior=0.5), "E006"),
        (lambda: stats.bootstrap_ratio([1, 2], [10, 20, 30]), "E624"),
        (lambda: stats.bootstrap_ratio([1, 2], [10, 20], n_boot=0), "E006"),
        (lambda: stats.logistic_trend([2000, 2001], [1, 5], [2, 4]), "E622"),
        (lambda: stats.mann_kendall_sen([1, 2, 3], [1, 2]), "E624"),
    ],
)
def test_stats_errors_are_coded_value_errors(call, code):
    with pytest.raises(ValueError) as info:  # still a ValueError, as before the codes
        call()
    assert isinstance(info.value, IsicError) and info.value.code == code
    message = str(info.value)
    assert message.startswith(f"[isic:{code}] ") and not re.search(r"\{\w*\}", message)

