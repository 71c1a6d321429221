"""Typography does not change the mentions (issue 12): every variant gives the
same mentions as the plain text, with the original text and offsets; and the
shipped context rules on real constructions of the codes."""

from __future__ import annotations

import unicodedata

import pytest

PLAIN = "Le conseil de la vie sociale donne son avis sur le projet personnalisé de la personne."

VARIANTS = {
    "nfd": unicodedata.normalize("NFD", PLAIN),
    "no-break-space": PLAIN.replace("vie sociale", "vie\u00a0sociale"),
    "double-space": PLAIN.replace("de la vie", "de  la vie"),
    "line-break": PLAIN.replace("vie sociale", "vie\nsociale"),
    "soft-hyphen": PLAIN.replace("personnalisé", "person\u00adnalisé"),
    "zero-width": PLAIN.replace("personnalisé", "person\u200bnalisé"),
    "line-end-hyphenation": PLAIN.replace("personnalisé", "person-\nnalisé"),
    "all-caps-without-accents": PLAIN.upper().replace("É", "E"),
    "all-caps-with-accents": PLAIN.upper(),
}


def labels(doc):
    return [(span.label_, span.id_) for span in doc.spans["isic"]]


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_typographic_variants_give_the_same_mentions(nlp_fast, variant):
    text = VARIANTS[variant]
    doc = nlp_fast(text)
    assert labels(doc) == labels(nlp_fast(PLAIN))
    for span in doc.spans["isic"]:
        assert text[span.start_char : span.end_char] == span.text


@pytest.mark.parametrize(
    "text, words",
    [
        ("Le droit à l’information de l'usager.", "droit à l’information"),
        ("La mise en oeuvre du droit à l'information.", "droit à l'information"),
        ("La co construction du projet.", "co construction"),
        ("La co-construction du projet.", "co-construction"),
        ("La coconstruction du projet.", "coconstruction"),
    ],
)
def test_apostrophes_ligatures_and_compounds(nlp_fast, text, words):
    doc = nlp_fast(text)
    assert words in [span.text for span in doc.spans["isic"]]


def test_normalisations_are_counted(nlp_fast):
    doc = nlp_fast(VARIANTS["nfd"].replace("vie sociale", "vie\u00a0sociale").replace("Le ", "L’ "))
    counts = doc.user_data["isic_normalisation"]
    assert counts["nfc"] == 1 and counts["whitespace"] == 1 and counts["apostrophe"] == 1


@pytest.mark.parametrize(
    "text, words, flags",
    [
        ("Le conseil de la vie sociale n'est plus réuni.", "conseil de la vie sociale", {"negation"}),
        ("Nul ne peut être privé du droit à l'information.", "droit à l'information", set()),
        ("La personne ne bénéficie ni du projet personnalisé ni du conseil de la vie sociale.", "conseil de la vie sociale", {"negation"}),
        ("Pas de projet personnalisé pour les mineurs.", "projet personnalisé", {"negation"}),
        ("Le dispositif est sans retentissement sur le lien social.", "lien social", set()),
        ("Cette disposition ne permet pas d'exclure le droit à l'information.", "droit à l'information", set()),
        ("La durée ne peut en aucun cas être supérieure à celle du projet personnalisé.", "projet personnalisé", set()),
        ("A titre expérimental, le conseil de la vie sociale est consulté.", "conseil de la vie sociale", {"hypothesis"}),
        ("Lorsque le conseil de la vie sociale est consulté, le directeur statue.", "conseil de la vie sociale", {"hypothesis"}),
        ("L'article relatif au conseil de la vie sociale n'est pas abrogé.", "conseil de la vie sociale", set()),
        ('Au 2°, les mots : " projet personnalisé " sont remplacés par les mots : " contrat ".', "projet personnalisé", {"quotation"}),
        ("Au 2°, les mots : “ projet personnalisé ” sont remplacés.", "projet personnalisé", {"quotation"}),
    ],
)
def test_shipped_context_rules(nlp_fast, text, words, flags):
    doc = nlp_fast(text)
    spans = [span for span in doc.spans["isic"] if span.text == words]
    assert spans
    assert set(spans[0]._.isic_context or {}) == flags


# --------------------------------------------------------------------------- real sentences (issue 12)
# Every typographic variant of the issue, applied to the mentions of real
# sentences (tests/fixtures/context/cases.jsonl: every 4th case, and the
# others with œ or « »; three corpus lines with *co-construction*), gives the same mentions (label and,
# mapped back, the same original span) and the same context flags.

import json  # noqa: E402
import re  # noqa: E402
from pathlib import Path  # noqa: E402

CASES = Path(__file__).resolve().parents[1] / "fixtures" / "context" / "cases.jsonl"
_ALL = [json.loads(line)["text"] for line in CASES.read_text(encoding="utf-8").splitlines()]
REAL = _ALL[::4] + [t for i, t in enumerate(_ALL) if i % 4 and ("œ" in t or "«" in t)] + [
    # ../shared/corpora lines with a compound (file, record id)
    "D’autres modalités de co-construction sont également possibles pour les salariés :",  # fiches-travail-emploi.jsonl travail:article374451
    "Une possibilité de co-construction avec votre employeur ou un autre co-financeur",  # fiches-travail-emploi.jsonl travail:article375815
    "De manière générale, et dès que possible, les partenaires sociaux souhaitent encourager la co-construction de parcours.",  # conventions-collectives-secteur-social.jsonl KALITEXT000052447634
]


def _edit(text, edits):
    """The text with text[i] replaced by edits[i]; and, per new character, its original index."""
    out, origin = [], []
    for i, ch in enumerate(text):
        new = edits.get(i, ch)
        out.append(new)
        origin.extend([i] * len(new))
    return "".join(out), origin


def _spaces_inside(text, spans):
    return [i for start, end in spans for i in range(start, end) if text[i] == " "]


def _mid_words(text, spans):
    return [
        start + m.start() + len(m.group()) // 2
        for start, end in spans
        for m in re.finditer(r"\w{6,}", text[start:end])
    ]


def _quotes(text):
    edits, opened = {}, False
    for i, ch in enumerate(text):
        if ch == "'":
            edits[i] = "’"
        elif ch == "’":
            edits[i] = "'"
        elif ch == '"':
            edits[i], opened = ("”" if opened else "“"), not opened
        elif ch in "«»“”":
            edits[i] = '"'
    return edits


REAL_VARIANTS = {
    "nfd": lambda t, s: _edit(t, {i: unicodedata.normalize("NFD", c) for i, c in enumerate(t)}),
    "no-break-space": lambda t, s: _edit(t, {i: "\u00a0" for i in _spaces_inside(t, s)}),
    "double-space": lambda t, s: _edit(t, {i: "  " for i in _spaces_inside(t, s)}),
    "line-break": lambda t, s: _edit(t, {i: "\n" for i in _spaces_inside(t, s)}),
    "soft-hyphen": lambda t, s: _edit(t, {i: "\u00ad" + t[i] for i in _mid_words(t, s)}),
    "zero-width": lambda t, s: _edit(t, {i: "\u200b" + t[i] for i in _mid_words(t, s)}),
    "line-end-hyphenation": lambda t, s: _edit(t, {i: "-\n" + t[i] for i in _mid_words(t, s)}),
    "oe-for-œ": lambda t, s: _edit(t, {i: "oe" for i, c in enumerate(t) if c == "œ"}),
    "co-construction": lambda t, s: _edit(t, {m.start() + 2: " " for m in re.finditer(r"\b[Cc]o-", t)}),
    "quotes-and-apostrophes": lambda t, s: _edit(t, _quotes(t)),
}


def _mentions_and_flags(doc, origin=None):
    out = []
    for span in doc.spans["isic"]:
        start, end = span.start_char, span.end_char
        assert doc.text[start:end] == span.text
        if origin is not None:
            start, end = origin[start], origin[end - 1] + 1
        out.append((span.label_, start, end, tuple(sorted(span._.isic_context or {}))))
    return sorted(out)


def test_real_sentences_are_enough():
    assert len(REAL) >= 50
    assert sum("œ" in t for t in REAL) and sum("’" in t for t in REAL) and sum("«" in t or '"' in t for t in REAL)


@pytest.mark.parametrize("variant", sorted(REAL_VARIANTS))
def test_typographic_variants_of_real_sentences(nlp_fast, variant):
    changed, failures = 0, []
    for text in REAL:
        doc = nlp_fast(text)
        plain = _mentions_and_flags(doc)
        new, origin = REAL_VARIANTS[variant](text, [(s.start_char, s.end_char) for s in doc.spans["isic"]])
        if new == text:
            continue
        changed += 1
        got = _mentions_and_flags(nlp_fast(new), origin)
        if got != plain:
            failures.append((text[:80], sorted(set(plain) - set(got)), sorted(set(got) - set(plain))))
    assert changed, "the variant changed no sentence"
    assert not failures, failures[:5]
