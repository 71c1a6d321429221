"""``isic_matcher`` on short real French phrases (CASF, CSS), with the frozen test lexicon.

Phrases are taken or adapted from the Code de l'action sociale et des familles
and the Code de la sécurité sociale (/work/shared/corpora).
"""

from __future__ import annotations

import pytest

from isic_nlp.components.matching import phrase_variants, plural

PIPELINES = ["nlp_test_fast", pytest.param("nlp_test_accurate", marks=pytest.mark.slow)]


@pytest.fixture(params=PIPELINES)
def nlp(request):
    return request.getfixturevalue(request.param)


# --------------------------------------------------------------------------- lemmas and forms


@pytest.mark.parametrize(
    "text, found",
    [
        # CASF L311-3 7°, singular
        ("La participation directe de la personne à la conception de son projet personnalisé.",
         [("projet personnalisé", "support.projet_personnalise")]),
        # plural
        ("Les projets personnalisés sont élaborés avec les personnes accueillies.",
         [("projets personnalisés", "support.projet_personnalise")]),
        # capitalised at the start of a sentence
        ("Projet personnalisé et droit à l'information.",
         [("Projet personnalisé", "support.projet_personnalise"), ("droit à l'information", "rights.droit_information")]),
        # typographic apostrophe, as in the fiches
        ("Le droit à l’information de l’usager.", [("droit à l’information", "rights.droit_information")]),
        # a verb, found through its lemma
        ("Les usagers participent au fonctionnement de l'établissement.", [("participent", "participation.participer")]),
        # words never matched inside another word
        ("La personnalisation du projet est territorialisée.", []),
    ],
)
def test_phrases_match_on_lemmas_and_forms(nlp, as_mentions, text, found):
    assert [(t, entry) for t, _, entry in as_mentions(nlp(text))] == found


def test_match_lower_does_not_use_lemmas(nlp_test_fast, as_mentions):
    # participation.associer_lower has `match: lower`: the inflected verb is not found.
    doc = nlp_test_fast("Les familles sont associées ; il convient d'associer les familles.")
    assert as_mentions(doc) == [("associer", "participation", "participation.associer_lower")]


def test_mention_ids_carry_lexicon_version_and_entry(nlp_test_fast):
    doc = nlp_test_fast("Le conseil de la vie sociale donne son avis.")
    assert [span.id_ for span in doc.spans["isic"]] == ["test_framing@0.1.0:participation.conseil_vie_sociale"]


# --------------------------------------------------------------------------- overlaps


@pytest.mark.parametrize(
    "text, found",
    [
        # multi-word entry claims the words of the shorter one inside it
        ("Il est institué un conseil de la vie sociale.",
         [("conseil de la vie sociale", "participation.conseil_vie_sociale")]),
        ("Favoriser la vie sociale des personnes âgées.", [("vie sociale", "social_bond.vie_sociale")]),
        # the false friend is longer than "territoriales" and claims it
        ("Les collectivités territoriales et leurs groupements.",
         [("collectivités territoriales", "territorial.ff_collectivites_territoriales")]),
        ("Le projet de développement territorial.", [("territorial", "territorial.territorial")]),
    ],
)
def test_longest_match_wins_within_a_lexicon(nlp, as_mentions, text, found):
    assert [(t, entry) for t, _, entry in as_mentions(nlp(text))] == found


def test_two_lexicons_never_suppress_each_other(nlp_two_lexicons, as_mentions):
    doc = nlp_two_lexicons("Il est institué un conseil de la vie sociale.")
    assert as_mentions(doc) == [
        ("conseil de la vie sociale", "participation", "participation.conseil_vie_sociale"),
        ("conseil de la vie sociale", "collectives", "collectives.conseil_vie_sociale"),
    ]


def test_false_friend_of_one_lexicon_does_not_leak_into_another(nlp_two_lexicons):
    # test_modes declares "vie sociale" a false friend of `collectives`; in
    # test_framing the same words are a positive social_bond cue. The two
    # mentions cover the same characters: the flags of one must not be the other's.
    doc = nlp_two_lexicons("Favoriser la vie sociale des personnes âgées.")
    flags = {span.label_: (span._.isic_false_friend, span._.isic_counted) for span in doc.spans["isic"]}
    assert flags == {
        "social_bond": (None, True),
        "collectives": ("sense rule collectives.ff_vie_sociale", False),
    }
    assert doc._.isic_profile["counts"]["social_bond"] == 1


# --------------------------------------------------------------------------- false friends


def test_sense_false_friend_is_kept_but_flagged(nlp, as_context):
    doc = nlp("Elle est mise en œuvre par l'Etat, les collectivités territoriales et leurs établissements publics.")
    [span] = doc.spans["isic"]
    assert span._.isic_false_friend == "sense rule territorial.ff_collectivites_territoriales"
    assert span._.isic_counted is False
    assert doc._.isic_profile["counts"]["territorial"] == 0


@pytest.mark.parametrize(
    "text, reason",
    [
        ("Une action communautaire de santé est menée avec les habitants.", None),
        ("Le programme d'action communautaire de l'Union européenne est financé.",
         "'union européenne' in the sentence (community.action_communautaire)"),
        # the guard word is in another sentence: it does not apply
        ("Une action communautaire est menée avec les habitants. L'Union européenne la finance.", None),
    ],
)
def test_unless_sentence_makes_a_false_friend_in_its_sentence_only(nlp, text, reason):
    doc = nlp(text)
    [span] = doc.spans["isic"]
    assert span.text == "action communautaire"
    assert span._.isic_false_friend == reason
    assert span._.isic_counted is (reason is None)


# --------------------------------------------------------------------------- token patterns


@pytest.mark.parametrize(
    "text, found",
    [
        ("Les représentants des usagers et les représentants des familles siègent au conseil.",
         ["représentants des usagers", "représentants des familles"]),
        ("Un représentant des résidents est élu.", ["représentant des résidents"]),
        ("Les représentants du personnel sont consultés.", []),
    ],
)
def test_token_pattern_alternatives(nlp, text, found):
    doc = nlp(text)
    spans = doc.spans["isic"]
    assert [span.text for span in spans] == found
    assert all(span.id_.endswith(":participation.representants") for span in spans)


@pytest.mark.parametrize(
    "text, found",
    [
        # CASF L114-1-1: the optional article before the anchor is part of the match
        ("Des actions visant à favoriser le développement des groupes d'entraide mutuelle.",
         ["des groupes d'entraide mutuelle"]),
        ("Il peut rejoindre un groupe d’entraide mutuelle.", ["un groupe d’entraide mutuelle"]),
        # the bounded gap {0,2} between "d'" and "mutuelle"
        ("Un groupe d'entraide et d'écoute mutuelle.", []),
        ("Groupe d'entraide mutuelle.", ["Groupe d'entraide mutuelle"]),
    ],
)
def test_token_pattern_with_optional_token_before_the_anchor_and_a_gap(nlp_test_fast, text, found):
    doc = nlp_test_fast(text)
    assert [span.text for span in doc.spans["isic"]] == found


def test_token_pattern_far_from_the_start_is_found_with_doc_offsets(nlp_test_fast):
    # The Matcher runs only in windows around anchor tokens: a match far into
    # a long text must still be found, at the right Doc and character offsets.
    filler = "La commission se réunit chaque année . " * 40
    text = filler + "Les représentants des usagers sont élus, avec des groupes d'entraide mutuelle."
    doc = nlp_test_fast(text)
    spans = list(doc.spans["isic"])
    assert [span.text for span in spans] == ["représentants des usagers", "des groupes d'entraide mutuelle"]
    assert spans[0].start == 7 * 40 + 1
    assert [text[span.start_char : span.end_char] for span in spans] == [span.text for span in spans]


def test_compiled_lexicons_on_a_span_give_doc_offsets(nlp_test_fast):
    matcher = nlp_test_fast.get_pipe("isic_matcher")
    doc = nlp_test_fast("Le conseil siège. Les représentants des usagers et le projet personnalisé.")
    sent = list(doc.sents)[1]
    found = [(doc[m.start : m.end].text, m.entry.id) for m in matcher.compiled(sent)]
    assert found == [
        ("représentants des usagers", "participation.representants"),
        ("projet personnalisé", "support.projet_personnalise"),
    ]


def test_token_patterns_anchor_on_a_rare_word(nlp_fast):
    """The Matcher runs in windows around each pattern's anchor: the first required token that
    names no frequent word ('supprimé' in 'est / sont supprimé aux', 'non' in 'ou / et non une',
    'aucun' in 'en aucun cas …'), so that 'et', 'ou', 'en', 'est', 'sont' open no window; the
    matches that start before their anchor are still found."""
    compiled = nlp_fast.get_pipe("isic_context").compiled
    strings = nlp_fast.vocab.strings
    anchors = {strings[v] for values in compiled._anchor_sets.values() for v in values}
    assert {"supprimé", "non", "aucun", "ne"} <= anchors
    assert not anchors & {"et", "ou", "en", "est", "sont"}
    doc = nlp_fast("Le juge décide d'attribuer ou non une pension. L'allocation est supprimée aux personnes "
                   "qui résident à l'étranger. En aucun cas l'indemnité ne sera supérieure au plafond.")
    found = {m.entry.id: doc[m.start : m.end].text for m in compiled(doc)}
    assert found["pseudo.ou_non"] == "ou non une"
    assert found["neg.supprime_pour"] == "est supprimée aux"
    assert found["pseudo.en_aucun_cas_limit"].startswith("En aucun cas")


# --------------------------------------------------------------------------- helpers


@pytest.mark.parametrize(
    "word, expected",
    [("droit", "droits"), ("social", "sociaux"), ("bureau", "bureaux"), ("choix", "choix"), ("lieu", "lieux")],
)
def test_plural(word, expected):
    assert plural(word) == expected


def test_phrase_variants_inflect_content_words_and_apostrophes():
    assert phrase_variants("droit à l'information") == [
        "droit à l'information",
        "droit à l’information",
        "droits à l'information",
        "droits à l’information",
    ]


# --------------------------------------------------------------------------- shipped lexicons


SHIPPED_CASES = [
    # Code du travail L2221-1: collective bargaining is labour relations, counted
    ("Le présent livre est relatif à la détermination des relations collectives entre employeurs et salariés "
     "par la négociation collective.", "négociation collective", "labour_relations", None),
    # CASF L116-1: a public authority, a false friend of `territorial`
    ("Elle est mise en œuvre par l'Etat, les collectivités territoriales et leurs établissements publics.",
     "collectivités territoriales", "territorial", "false_friend"),
    # CASF L311-6: a participation body
    ("Afin d'associer les personnes bénéficiaires des prestations au fonctionnement de l'établissement, "
     "il est institué un conseil de la vie sociale.", "conseil de la vie sociale", "participation", None),
]


@pytest.mark.parametrize("pipeline", ["nlp_fast", pytest.param("nlp_accurate", marks=pytest.mark.slow)])
@pytest.mark.parametrize("text, words, label, flag", SHIPPED_CASES)
def test_shipped_lexicons_core_cases(request, pipeline, text, words, label, flag):
    nlp = request.getfixturevalue(pipeline)
    doc = nlp(text)
    spans = [span for span in doc.spans["isic"] if span.text == words and span.label_ == label]
    assert len(spans) == 1
    span = spans[0]
    if flag == "false_friend":
        assert span._.isic_false_friend is not None
        assert span._.isic_counted is False
        assert doc._.isic_profile["counts"][label] == 0
    else:
        assert span._.isic_false_friend is None
        assert span._.isic_counted is True
        assert doc._.isic_profile["counts"][label] >= 1


@pytest.mark.parametrize("pipeline", ["nlp_fast", pytest.param("nlp_accurate", marks=pytest.mark.slow)])
def test_shipped_eu_sense_of_communautaire_is_not_a_mode(request, pipeline):
    nlp = request.getfixturevalue(pipeline)
    # Code du travail L2341-1: "entreprise de dimension communautaire" is EU law
    doc = nlp("Le comité d'entreprise européen est institué dans les entreprises de dimension communautaire. "
              "Le droit communautaire s'applique.")
    modes = [span for span in doc.spans["isic"] if span.label_ == "communautaire"]
    assert {"dimension communautaire", "droit communautaire"} <= {span.text for span in modes}
    assert [(span._.isic_false_friend is not None, span._.isic_counted) for span in modes] == [(True, False)] * len(modes)
    assert doc._.isic_profile["counts"]["communautaire"] == 0


def test_accentless_forms_match_only_in_capitals(nlp_fast):
    # The fold matcher is for all-capital text (accents dropped): lower-case 'retraite' is not 'retraité'.
    def labels(text):
        doc = nlp_fast(text)
        return [(s.text, s.label_) for s in doc.spans["isic"]]

    assert not [m for m in labels("Le départ à la retraite est fixé à soixante ans.") if m[0].lower() == "retraite"]
    assert ("retraité", "individual_benefit") in labels("Le retraité perçoit sa pension.")
    assert [m for m in labels("PENSION DU RETRAITE ET DROITS") if m[0] == "RETRAITE"]


def test_accentless_forms_match_only_in_capitals_inside_a_span_too(nlp_fast):
    # The context component matches its cues on Spans (the mentions' sentences): the
    # capitals check must read the matched tokens (Doc offsets), not the Span's own.
    compiled = nlp_fast.get_pipe("isic_matcher").compiled
    doc = nlp_fast("Le texte commence ici. Le départ à la retraite est fixé. PENSION DU RETRAITE ET DROITS")
    lower = doc[5:12]  # "Le départ à la retraite est fixé"
    assert "retraite" in lower.text
    assert not [m for m in compiled(lower) if doc[m.start:m.end].text == "retraite"]
    upper = doc[13:]
    assert [m for m in compiled(upper) if doc[m.start:m.end].text == "RETRAITE"]
