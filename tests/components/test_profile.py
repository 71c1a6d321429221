"""``isic_profile``: counts per label and group, what is excluded, and the token count."""

from __future__ import annotations

import pytest
import spacy

from isic_nlp.errors import IsicError

ZERO = {
    "rights": 0,
    "individual_support": 0,
    "participation": 0,
    "social_bond": 0,
    "territorial": 0,
    "community": 0,
    "group_work": 0,
    "individual": 0,
    "collective": 0,
}


def test_profile_counts_only_what_is_counted(nlp_test_fast):
    # One counted participation mention, one exception (counted), one negated,
    # one quoted, one false friend: two count.
    text = (
        "Il est institué un conseil de la vie sociale. "
        "Sauf dérogation, le projet personnalisé est élaboré. "
        "L'aide est accordée sans projet personnalisé. "
        "Les mots : « droit à l'information » sont supprimés. "
        "Les collectivités territoriales sont consultées."
    )
    doc = nlp_test_fast(text)
    counted = [(span.text, span._.isic_counted) for span in doc.spans["isic"]]
    assert counted == [
        ("conseil de la vie sociale", True),
        ("projet personnalisé", True),
        ("projet personnalisé", False),
        ("droit à l'information", False),
        ("collectivités territoriales", False),
    ]
    assert doc._.isic_profile["counts"] == {
        **ZERO,
        "participation": 1,
        "individual_support": 1,
        "individual": 1,
        "collective": 1,
    }


def test_profile_of_a_text_without_mentions_has_every_label_at_zero(nlp_test_fast):
    doc = nlp_test_fast("La commission se réunit chaque année.")
    assert doc._.isic_profile == {"n_tokens": 6, "counts": ZERO}


@pytest.mark.parametrize(
    "text, n_tokens",
    [
        ("Le conseil de la vie sociale donne son avis.", 9),
        # punctuation and line breaks are not words
        ("Art. L. 311-6. – Le conseil de la vie sociale ;\n« donne son avis » !", 13),
        ("", 0),
        ("« ; . »", 0),
    ],
)
def test_n_tokens_leaves_out_punctuation_and_space(nlp_test_fast, text, n_tokens):
    doc = nlp_test_fast(text)
    assert doc._.isic_profile["n_tokens"] == n_tokens
    assert n_tokens == sum(1 for token in doc if not token.is_punct and not token.is_space)


@pytest.mark.parametrize(
    "exclude, counted",
    [
        ([], [True, True, True]),
        (["exception"], [False, True, True]),
        (["negation", "false_friend"], [True, False, False]),
    ],
)
def test_exclude_is_configurable(nlp_test_fast, exclude, counted):
    doc = nlp_test_fast(
        "Sauf dérogation, le projet personnalisé est élaboré. L'aide est accordée sans projet personnalisé. "
        "Les collectivités territoriales sont consultées."
    )
    # A second profile component, built by its factory, re-counts the same Doc.
    profile = nlp_test_fast.create_pipe("isic_profile", config={"exclude": exclude})
    doc = profile(doc)
    assert [span._.isic_counted for span in doc.spans["isic"]] == counted
    assert doc._.isic_profile["counts"]["individual_support"] == counted[:2].count(True)
    assert doc._.isic_profile["counts"]["territorial"] == int(counted[2])


def test_unknown_exclude_flag_is_refused():
    nlp = spacy.blank("fr")
    with pytest.raises(ValueError, match="exclude must be among") as info:
        nlp.add_pipe("isic_profile", config={"exclude": ["negated"]})
    assert isinstance(info.value, IsicError) and info.value.code == "E311"
