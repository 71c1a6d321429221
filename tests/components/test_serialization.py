"""Saving and loading pipelines: the lexicons travel with the pipeline, with versions and hashes."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
import spacy

import isic_nlp
from isic_nlp.lexicons import load_lexicon
from isic_nlp.pipeline import pipeline_info

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

TEXTS = [
    "Afin d'associer les personnes bénéficiaires, il est institué un conseil de la vie sociale.",
    "Sauf dérogation, le projet personnalisé est élaboré ; les collectivités territoriales sont consultées.",
    "Au 7°, les mots : « droit à l'information » sont remplacés par les mots : « projet personnalisé ».",
    "Les représentants des usagers participent avec des groupes d'entraide mutuelle.",
]


def describe(nlp, texts=TEXTS):
    """Everything a mention carries, for comparing two pipelines."""
    out = []
    for doc in nlp.pipe(texts):
        out.append(
            (
                [
                    (s.start_char, s.end_char, s.label_, s.id_, s._.isic_false_friend, s._.isic_context, s._.isic_counted)
                    for s in doc.spans["isic"]
                ],
                doc._.isic_profile,
            )
        )
    return out


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """A ``fast`` pipeline built from a private copy of the test lexicon, saved to disk.

    Returns (folder, lexicon copy, mentions before saving).
    """
    root = tmp_path_factory.mktemp("serialization")
    lexicon = root / "test_framing.yaml"
    shutil.copy(FIXTURES / "lexicons" / "test_framing.yaml", lexicon)
    nlp = isic_nlp.load("fast", lexicons=[str(lexicon)])
    before = describe(nlp)
    folder = root / "pipeline"
    nlp.to_disk(folder)
    return folder, lexicon, before


def test_saved_folder_holds_the_lexicons_with_version_and_hash(saved):
    folder, lexicon, _ = saved
    assert (folder / "isic_matcher" / "test_framing.yaml").read_bytes() == lexicon.read_bytes()
    index = json.loads((folder / "isic_matcher" / "lexicons.json").read_text(encoding="utf-8"))
    [info] = index["lexicons"]
    assert (info["name"], info["version"], info["n_entries"]) == ("test_framing", "0.1.0", 11)
    assert info["sha256"] == hashlib.sha256(lexicon.read_bytes()).hexdigest()
    context = json.loads((folder / "isic_context" / "lexicons.json").read_text(encoding="utf-8"))
    assert [i["name"] for i in context["lexicons"]] == ["context"]
    assert (folder / "isic_context" / "context.yaml").exists()


def test_spacy_load_gives_the_same_mentions(saved):
    folder, _, before = saved
    assert describe(spacy.load(folder)) == before


def test_isic_nlp_load_of_a_saved_folder(saved):
    folder, _, before = saved
    nlp = isic_nlp.load(str(folder))
    assert nlp.pipe_names == ["normalizer", "lemmatizer", "sentencizer", "isic_matcher", "isic_context", "isic_profile"]
    assert describe(nlp) == before
    assert [(i["name"], i["version"]) for i in pipeline_info(nlp)["lexicons"]] == [
        ("test_framing", "0.1.0"),
        ("context", load_lexicon("context").version),
    ]


def test_lexicon_edited_or_removed_after_saving_does_not_change_the_saved_pipeline(tmp_path):
    lexicon = tmp_path / "test_framing.yaml"
    shutil.copy(FIXTURES / "lexicons" / "test_framing.yaml", lexicon)
    nlp = isic_nlp.load("fast", lexicons=[str(lexicon)])
    before = describe(nlp, TEXTS[:2])
    nlp.to_disk(tmp_path / "pipeline")
    # The researcher edits the lexicon: a new version with a new entry.
    lexicon.write_text(
        lexicon.read_text(encoding="utf-8").replace("version: 0.1.0", "version: 0.2.0")
        + "  - id: rights.libre_choix\n    label: rights\n    pattern: libre choix\n",
        encoding="utf-8",
    )
    loaded = spacy.load(tmp_path / "pipeline")
    assert describe(loaded, TEXTS[:2]) == before
    doc = loaded("Le libre choix entre les prestations.")
    assert list(doc.spans["isic"]) == []
    assert [i["version"] for i in loaded.get_pipe("isic_matcher").lexicon_info()] == ["0.1.0"]
    # ... or removes it: the saved copy is enough.
    lexicon.unlink()
    assert describe(spacy.load(tmp_path / "pipeline"), TEXTS[:2]) == before


def test_component_to_bytes_from_bytes(nlp_test_fast):
    data = nlp_test_fast.get_pipe("isic_matcher").to_bytes()
    # A fresh matcher in a pipeline with the same linguistic components, fed the bytes.
    nlp = spacy.blank("fr")
    nlp.add_pipe("isic_lookup_lemmatizer")
    nlp.add_pipe("isic_sentencizer")
    matcher = nlp.add_pipe("isic_matcher", config={"lexicons": ["framing"]})
    nlp.get_pipe("isic_lookup_lemmatizer").initialize()
    matcher.from_bytes(data)
    assert [i["name"] for i in matcher.lexicon_info()] == ["test_framing"]
    doc = nlp("Les projets personnalisés et le conseil de la vie sociale.")
    assert [(s.text, s.label_) for s in doc.spans["isic"]] == [
        ("projets personnalisés", "individual_support"),
        ("conseil de la vie sociale", "participation"),
    ]


def test_component_without_lexicons_says_to_initialize():
    nlp = spacy.blank("fr")
    nlp.add_pipe("isic_matcher")
    with pytest.raises(Exception, match=r"\[isic:E301\] The component 'isic_matcher' has no lexicons loaded"):
        nlp("Le conseil de la vie sociale.")


def test_saved_lexicon_of_another_version_than_the_shipped_one_warns(nlp_fast, tmp_path):
    # A pipeline saved with framing 0.9.0 and loaded next to a newer shipped framing.yaml.
    folder = tmp_path / "pipeline"
    nlp_fast.to_disk(folder)
    saved = folder / "isic_matcher" / "framing.yaml"
    shipped_version = load_lexicon("framing").version
    saved.write_text(
        saved.read_text(encoding="utf-8").replace(f"version: {shipped_version}", "version: 0.9.0", 1),
        encoding="utf-8",
    )
    with pytest.warns(UserWarning, match=r"\[isic:W301\] Lexicon 'framing' in the saved pipeline is version 0.9.0"):
        nlp = spacy.load(folder)
    assert [info["version"] for info in pipeline_info(nlp)["lexicons"] if info["name"] == "framing"] == ["0.9.0"]
