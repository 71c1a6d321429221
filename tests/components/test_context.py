"""``isic_context``: negation, exception, hypothesis, quoted amendments, repeal, scope.

Mentions and cues come from the frozen test lexicons (``tests/fixtures/lexicons``),
plus a few checks of the shipped ``context.yaml`` on core cases. Phrases are taken or adapted from the CASF, the Code de la
sécurité sociale and their amending formulas (/work/shared/corpora).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

LEXICONS = Path(__file__).resolve().parents[1] / "fixtures" / "lexicons"

PIPELINES = ["nlp_test_fast", pytest.param("nlp_test_accurate", marks=pytest.mark.slow)]


@pytest.fixture(params=PIPELINES)
def nlp(request):
    return request.getfixturevalue(request.param)


CASES = [
    # --- negation
    pytest.param(
        "La personne ne bénéficie pas d'un projet personnalisé.",
        [("projet personnalisé", {"negation": "neg.ne_particle"}, False)],
        id="ne-pas",
    ),
    pytest.param(
        "Nul ne peut refuser le projet personnalisé.",
        [("projet personnalisé", {"negation": "neg.nul_ne"}, False)],
        id="nul-ne",
    ),
    pytest.param(
        "L'aide est accordée sans projet personnalisé.",
        [("projet personnalisé", {"negation": "neg.sans"}, False)],
        id="sans",
    ),
    # the cue governs what follows it, not what precedes it
    pytest.param(
        "Le projet personnalisé n'est pas élaboré.",
        [("projet personnalisé", None, True)],
        id="negation-is-forward",
    ),
    # negation scope stops at the end of the sentence
    pytest.param(
        "La personne ne signe pas. Le projet personnalisé est élaboré.",
        [("projet personnalisé", None, True)],
        id="negation-stops-at-sentence",
    ),
    # --- pseudo-negation: claims its words, so "sans" does not fire
    pytest.param(
        "Sans préjudice du droit à l'information de la personne, le directeur statue.",
        [("droit à l'information", None, True)],
        id="sans-prejudice",
    ),
    pytest.param(
        "Nul ne peut être privé du droit à l'information.",
        [("droit à l'information", None, True)],
        id="nul-ne-prive-de",
    ),
    # "ne ... que" restricts: an exception, counted
    pytest.param(
        "L'aide n'est accordée qu'au vu du projet personnalisé.",
        [("projet personnalisé", {"exception": "exc.ne_que"}, True)],
        id="ne-que",
    ),
    # --- exception and hypothesis: flagged, counted
    pytest.param(
        "Sauf dérogation, le projet personnalisé est élaboré avec la personne.",
        [("projet personnalisé", {"exception": "exc.sauf"}, True)],
        id="sauf",
    ),
    pytest.param(
        "La demande est accompagnée, le cas échéant, des éléments d'un projet personnalisé.",
        [("projet personnalisé", {"hypothesis": "hyp.le_cas_echeant"}, True)],
        id="le-cas-echeant-forward",
    ),
    pytest.param(
        "Le projet personnalisé est révisé, le cas échéant.",
        [("projet personnalisé", {"hypothesis": "hyp.le_cas_echeant"}, True)],
        id="le-cas-echeant-backward",
    ),
    # --- quoted amendment text: not counted
    pytest.param(
        "Au 7°, les mots : « projet personnalisé » sont remplacés par les mots : « conseil de la vie sociale ».",
        [
            ("projet personnalisé", {"quotation": "quote.les_mots"}, False),
            # the first cue within reach of the « introduces it
            ("conseil de la vie sociale", {"quotation": "quote.remplaces_par"}, False),
        ],
        id="les-mots",
    ),
    pytest.param(
        "Au 7°, le projet personnalisé est remplacé par « un conseil de la vie sociale ».",
        [
            ("projet personnalisé", None, True),
            ("conseil de la vie sociale", {"quotation": "quote.remplaces_par"}, False),
        ],
        id="remplace-par",
    ),
    # legislative drafting: every quoted paragraph opens with «, only the last closes
    pytest.param(
        "L'article L. 311-3 est ainsi rédigé :\n"
        "« Art. L. 311-3. – Le projet personnalisé est élaboré avec la personne.\n"
        "« Le conseil de la vie sociale est consulté.",
        [
            ("projet personnalisé", {"quotation": "quote.ainsi_redige"}, False),
            ("conseil de la vie sociale", {"quotation": "quote.ainsi_redige"}, False),
        ],
        id="multi-paragraph-without-closing",
    ),
    # « … » with no quotation cue before it is a citation, not amendment text
    pytest.param(
        "Le document intitulé « projet personnalisé » est remis à la personne.",
        [("projet personnalisé", None, True)],
        id="guillemets-without-cue",
    ),
    # --- repeal: the mention precedes "est abrogé"
    pytest.param(
        "L'article L. 311-6 relatif au conseil de la vie sociale est abrogé.",
        [("conseil de la vie sociale", {"abrogation": "abr.abroge"}, False)],
        id="est-abroge",
    ),
    pytest.param(
        "Le conseil de la vie sociale est supprimé.",
        [("conseil de la vie sociale", {"abrogation": "abr.supprime"}, False)],
        id="est-supprime",
    ),
    # --- termination: "mais" ends the scope of a cue
    pytest.param(
        "La personne ne signe pas le contrat mais le projet personnalisé est élaboré.",
        [("projet personnalisé", None, True)],
        id="mais-terminates",
    ),
]


@pytest.mark.parametrize("text, expected", CASES)
def test_context_flags_and_counted(nlp, as_context, text, expected):
    assert as_context(nlp(text)) == expected


def test_cue_text_is_recorded(nlp_test_fast):
    doc = nlp_test_fast("Sauf dérogation, le projet personnalisé est élaboré avec la personne.")
    [span] = doc.spans["isic"]
    assert span._.isic_context == {"exception": ("Sauf", "exc.sauf")}


@pytest.mark.parametrize(
    "text, expected",
    [
        # negation: scope 3 tokens after the cue
        ("La personne ne signe pas son projet personnalisé.", [("projet personnalisé", {"negation": "neg.ne_particle"}, False)]),
        ("La personne ne signe pas le contrat et son projet personnalisé.", [("projet personnalisé", None, True)]),
        # exception: scope 15
        ("Sauf décision contraire du directeur de l'établissement prise après avis, le projet personnalisé est élaboré.",
         [("projet personnalisé", {"exception": "exc.sauf"}, True)]),
    ],
)
def test_cue_scope_is_limited(nlp_test_fast, as_context, text, expected):
    assert as_context(nlp_test_fast(text)) == expected


@pytest.fixture(scope="module")
def nlp_no_semicolon_sentences():
    """A blank French pipeline whose sentences do not end at ';', to test ';' as a termination cue."""
    nlp = spacy.blank("fr")
    nlp.add_pipe("isic_lookup_lemmatizer")
    nlp.add_pipe("isic_sentencizer", config={"punct_chars": [".", "!", "?", "\n"]})
    nlp.add_pipe("isic_matcher", config={"lexicons": [str(LEXICONS / "test_framing.yaml")]})
    nlp.add_pipe("isic_context", config={"lexicons": [str(LEXICONS / "test_context.yaml")]})
    nlp.add_pipe("isic_profile")
    nlp.initialize()
    return nlp


@pytest.mark.parametrize(
    "text, expected",
    [
        ("L'aide est accordée sans condition ; le projet personnalisé est élaboré.",
         [("projet personnalisé", None, True)]),
        ("L'aide est accordée sans condition, le projet personnalisé est élaboré.",
         [("projet personnalisé", {"negation": "neg.sans"}, False)]),
    ],
)
def test_semicolon_blocks_scope_within_a_sentence(nlp_no_semicolon_sentences, as_context, text, expected):
    doc = nlp_no_semicolon_sentences(text)
    assert len(list(doc.sents)) == 1
    assert as_context(doc) == expected


def test_quotation_cue_too_far_from_the_passage_does_not_quote(nlp_test_fast, as_context):
    # quote.les_mots has max_scope 6 (tokens between the cue and the «).
    text = "Les mots utilisés dans le présent code pour désigner cette instance sont « conseil de la vie sociale »."
    assert as_context(nlp_test_fast(text)) == [("conseil de la vie sociale", None, True)]


# --------------------------------------------------------------------------- the shipped context lexicon


@pytest.mark.parametrize("pipeline", ["nlp_fast", pytest.param("nlp_accurate", marks=pytest.mark.slow)])
@pytest.mark.parametrize(
    "text, words, flags, counted",
    [
        # CASF L211-1: "sans préjudice" affirms, it does not negate
        ("Sans préjudice des droits de l'usager, l'union départementale des associations familiales est habilitée.",
         "droits de l'usager", set(), True),
        ("Sauf dérogation au projet personnalisé, l'aide est versée.", "projet personnalisé", {"exception"}, True),
        # since 2.3.0 an exception ends at its comma: the rule that follows is not excepted
        ("Sauf dérogation, le projet personnalisé est élaboré avec la personne.", "projet personnalisé", set(), True),
        ("Au 7°, les mots : « projet personnalisé » sont remplacés par les mots : « projet d'accompagnement ».",
         "projet personnalisé", {"quotation"}, False),
        ("L'article L. 311-6 relatif au conseil de la vie sociale est abrogé.", "conseil de la vie sociale",
         {"abrogation"}, False),
    ],
)
def test_shipped_context_core_cases(request, pipeline, text, words, flags, counted):
    nlp = request.getfixturevalue(pipeline)
    doc = nlp(text)
    spans = [span for span in doc.spans["isic"] if span.text == words]
    assert spans, [span.text for span in doc.spans["isic"]]
    for span in spans:
        assert set(span._.isic_context or {}) == flags
        assert span._.isic_counted is counted


# --------------------------------------------------------------------------- context 2.1.0, on real sentences
# Sentences of ../shared/corpora from the *tune* half of tests/fixtures/context/cases.jsonl
# (file and record id there), each with its mention and the flags it has by meaning.

CASES_FILE = Path(__file__).resolve().parents[1] / "fixtures" / "context" / "cases.jsonl"
FRESH_FILE = CASES_FILE.with_name("fresh.jsonl")
FRESH2_FILE = CASES_FILE.with_name("fresh2.jsonl")


def _fixture_cases(path: Path = CASES_FILE) -> dict[str, dict]:
    import json

    return {case["id"]: case for case in map(json.loads, path.read_text(encoding="utf-8").splitlines())}


RULES_2_1 = [
    # a negated being / existence / passive predicate denies its subject
    pytest.param("ctx-263", {"negation"}, id="subject-n-est-toutefois-pas-obligatoire"),
    pytest.param("ctx-031", {"negation"}, id="subject-n-est-elle-pas-due"),
    pytest.param("ctx-015", {"negation"}, id="subject-n-ont-pas-abouti"),
    # ... but an agent doing something is not denied, nor a noun's complement
    pytest.param("ctx-269", set(), id="agent-n-enfreint-pas"),
    pytest.param("ctx-299", set(), id="agent-ne-peut-pas-assumer"),
    pytest.param("ctx-289", set(), id="complement-of-the-subject"),
    # a person (actor) is not denied by a negated verb
    pytest.param("ctx-271", {"hypothesis"}, id="actor-le-salarie-n-y-a-pas-souscrit"),
    pytest.param("ctx-295", {"hypothesis"}, id="actor-projet-du-salarie"),
    # the object of a negated verb, not a noun's complement after it
    pytest.param("ctx-235", {"negation"}, id="object-poursuites-individuelles"),
    pytest.param("ctx-301", set(), id="noun-complement-le-travail-des-partenaires"),
    pytest.param("ctx-025", {"exception"}, id="noun-complement-au-moment-du-depot-de"),
    # an incise right after the cue
    pytest.param("ctx-045", {"negation"}, id="incise-ne-peuvent-pas-en-outre"),
    pytest.param("ctx-055", {"hypothesis"}, id="incise-si-au-cours-de-cette-periode"),
    # nominal negations
    pytest.param("ctx-007", {"negation"}, id="en-l-absence-de"),
    pytest.param("ctx-261", {"exception"}, id="sont-exclues-de-l-assiette-liste"),  # CONVENTIONS.md E6 (2.10.1)
    pytest.param("ctx-171", {"abrogation"}, id="points-de-is-not-pas-de"),
    # pseudo-cues
    pytest.param("ctx-257", set(), id="pseudo-pas-toujours"),
    pytest.param("ctx-251", set(), id="pseudo-non-answer"),
    # exceptions
    pytest.param("ctx-207", {"exception", "hypothesis"}, id="sauf-si"),  # 2.8.0: exception and hypothesis
    pytest.param("ctx-221", {"exception", "hypothesis"}, id="sauf-lorsque-is-a-hypothesis-too"),
    pytest.param("ctx-225", {"exception", "hypothesis"}, id="sauf-en-cas-de-is-a-hypothesis-too"),
    pytest.param("ctx-203", {"exception"}, id="a-l-exception-toutefois-de"),
    pytest.param("ctx-105", {"exception", "hypothesis"}, id="ne-que-ten-words-and-s-il-existe"),
    pytest.param("ctx-205", set(), id="sauf-en-cas-de-inside-brackets"),
    # hypotheses
    pytest.param("ctx-107", set(), id="le-cas-echeant-is-forward"),
    pytest.param("ctx-057", set(), id="en-cas-de-stops-at-its-comma"),
    pytest.param("ctx-217", set(), id="en-cas-de-comma-and-actor"),
    pytest.param("ctx-309", {"hypothesis"}, id="hyphen-inside-cui-cae-is-no-pause"),
    # legal constructs
    pytest.param("ctx-133", {"quotation"}, id="quoted-words-supprimes-et-remplaces"),
    pytest.param("ctx-189", {"abrogation"}, id="dispositions-abrogees-et-remplacees"),
    pytest.param("ctx-169", {"abrogation", "quotation"}, id="passage-then-sont-supprimes"),
    pytest.param("ctx-141", {"negation", "quotation"}, id="passage-then-ne-sont-pas-applicables"),
    pytest.param("ctx-161", set(), id="sur-l-abrogation-des-is-no-repeal"),
]


@pytest.fixture(scope="module")
def tuning_cases() -> dict[str, dict]:
    """The cases of the four halves: tune, held-out and fresh (tuning data since 2.2.0) and
    fresh2 (tuning data since 2.3.0; its fixture: tests/components/test_context_fresh2.py)."""
    return {**_fixture_cases(), **_fixture_cases(FRESH_FILE), **_fixture_cases(FRESH2_FILE)}


@pytest.fixture(scope="module")
def nlp_case_mentions(tmp_path_factory, tuning_cases):
    """``fast`` with a lexicon of the cases' mention phrases, for mentions a later lexicon no longer finds."""
    from benchmarks.context_quality import with_case_mentions

    return with_case_mentions("fast", list(tuning_cases.values()), tmp_path_factory.mktemp("lexicon"))


def _check_rule(case: dict, flags: set[str], halves: tuple[str, ...], *pipelines) -> None:
    """The case is one of ``halves``, labelled ``flags`` by meaning, and the rules give ``flags``."""
    assert case["half"] in halves
    assert set(case["flags"]) == flags  # the label by meaning, as the fixture has it
    assert _case_flags(case, *pipelines) == flags


@pytest.mark.parametrize("case_id, flags", RULES_2_1)
def test_context_2_1_rules_on_real_sentences(nlp_fast, nlp_case_mentions, tuning_cases, case_id, flags):
    _check_rule(tuning_cases[case_id], flags, ("tune",), nlp_fast, nlp_case_mentions)


def _case_flags(case: dict, *pipelines) -> set[str]:
    """The context flags of a fixture case's mention, from the first pipeline that finds it."""
    for nlp in pipelines:
        doc = nlp(case["text"])
        spans = [s for s in doc.spans["isic"] if s.start_char == case["start"] and s.text == case["mention"]]
        if spans:
            return set(spans[0]._.isic_context or {})
    raise AssertionError(f"no mention {case['mention']!r} at {case['start']}")


def test_fixture_cases_are_real_and_distinct():
    """Every case names its corpus file and record; fresh cases come from other records."""
    cases, fresh = _fixture_cases(), _fixture_cases(FRESH_FILE)
    assert len(fresh) >= 120 and {c["half"] for c in fresh.values()} == {"fresh"}
    for case in [*cases.values(), *fresh.values()]:
        assert case["file"] and case["record_id"]
        assert case["text"][case["start"] : case["start"] + len(case["mention"])] == case["mention"]
    assert not {c["record_id"] for c in fresh.values()} & {c["record_id"] for c in cases.values()}


# --------------------------------------------------------------------------- context 2.2.0 and 2.3.0, on real sentences
# Errors of the tune, held-out and fresh halves that context 2.2.0 fixes (all three
# halves are tuning data since 2.2.0), then those of the four halves that context 2.3.0
# fixes (fresh2, tests/components/test_context_fresh2.py, is tuning data since 2.3.0).
# Each case: its label by meaning, as the fixture has it.

RULES_2_2 = [
    # est supprimé(e): a repeal, a benefit that stops for a person, or neither
    pytest.param("fresh-104", {"negation"}, id="supprime-aux-personnes-is-a-negation"),
    pytest.param("fresh-101", set(), id="dont-l-emploi-est-supprime-is-no-repeal"),
    pytest.param("fresh-115", set(), id="participation-des-assures-supprimee-waives"),
    pytest.param("fresh-099", set(), id="en-cas-de-ends-the-repeal-scope"),
    pytest.param("ctx-166", set(), id="abrogeant-is-no-repeal"),
    pytest.param("ctx-177", {"abrogation"}, id="coordinated-subjects-abroges"),
    pytest.param("ctx-171", {"abrogation"}, id="indemnite-supprimee-is-a-repeal"),
    # predicates that restrict or classify
    pytest.param("fresh-007", set(), id="pseudo-n-est-pas-cumulable"),
    pytest.param("fresh-025", set(), id="pseudo-ne-sont-pas-consideres-comme"),
    pytest.param("ctx-296", set(), id="pseudo-n-est-pas-deduit-des"),
    pytest.param("ctx-316", set(), id="pseudo-sans-restriction"),
    pytest.param("ctx-086", set(), id="pseudo-meme-s-il"),
    # the mention's own verb, light nouns, asides
    pytest.param("fresh-034", {"negation"}, id="clitic-ne-peut-pas-vous-demander"),
    pytest.param("ctx-214", {"exception", "negation"}, id="faire-l-objet-d-un-recours-and-par-derogation"),
    pytest.param("ctx-106", {"hypothesis", "negation"}, id="aside-acronym-before-n-a-pas-ete"),
    pytest.param("ctx-096", {"hypothesis"}, id="aside-par-exemple-after-si"),
    # clause ends
    pytest.param("ctx-270", {"exception"}, id="sauf-ends-the-negation"),
    pytest.param("ctx-208", set(), id="et-ne-ends-the-exception"),
    pytest.param("fresh-010", {"hypothesis"}, id="tant-que"),
    pytest.param("ctx-281", {"negation"}, id="en-tant-que-is-no-condition"),
    pytest.param("ctx-050", {"exception"}, id="par-derogation-22-words"),
    # amendment paragraphs without their introducing line
    pytest.param("fresh-134", {"quotation"}, id="quoted-paragraph-letter"),
    pytest.param("fresh-144", {"quotation"}, id="quoted-paragraph-number"),
    # --- since context 2.3.0 (the errors of the four halves; fresh2 is tuning data since 2.3.0).
    # Each rule is a construction of legal French counted in ../shared/corpora (docs/context.md, "Context 2.3.0").
    # exceptions end at their comma, unless their list goes on
    pytest.param("fresh2-161", set(), id="sauf-dispositions-contraires-comma-is-a-proviso"),
    pytest.param("fresh2-166", set(), id="sauf-dispositions-legislatives-contraires-comma"),
    pytest.param("fresh-053", {"exception"}, id="sauf-list-goes-on-after-a-comma"),
    pytest.param("ctx-064", {"exception", "hypothesis"}, id="exception-ends-the-condition"),
    pytest.param("fresh2-091", {"exception", "hypothesis"}, id="sauf-si-ou-s-il-is-one-exception"),
    # par dérogation: the rule it opens, to the end of its sentence
    pytest.param("fresh2-150", {"exception", "negation"}, id="par-derogation-past-a-condition"),
    pytest.param("fresh2-165", {"exception"}, id="et-par-derogation"),
    # provisos and conditions
    pytest.param("fresh2-171", set(), id="sous-reserve-de-l-article-is-a-proviso"),
    pytest.param("fresh2-195", set(), id="sous-reserve-de-dispositions-contraires"),
    pytest.param("fresh2-181", {"hypothesis"}, id="sous-reserve-du-respect-des-conditions"),
    pytest.param("fresh2-055", {"hypothesis"}, id="dans-le-cas-d-une"),
    # pseudo-cues
    pytest.param("fresh2-218", set(), id="en-aucun-cas-limit"),
    pytest.param("fresh2-251", set(), id="en-aucun-cas-le-salarie"),
    pytest.param("fresh2-088", set(), id="attribuer-ou-non-une-pension"),
    pytest.param("fresh2-249", set(), id="sans-attendre"),
    pytest.param("fresh2-063", set(), id="conge-sans-solde"),
    pytest.param("fresh2-217", set(), id="non-governs-the-next-word-only"),
    pytest.param("fresh2-239", set(), id="ne-clot-pas-la-negociation"),
    pytest.param("fresh2-045", set(), id="ne-doit-pas-se-substituer-aux"),
    # negation scopes
    pytest.param("fresh2-004", {"negation"}, id="le-delai-ne-court-pas"),
    pytest.param("fresh2-008", {"negation"}, id="la-conclusion-prealable-d-un"),
    pytest.param("fresh2-256", {"negation"}, id="l-existence-d-une"),
    pytest.param("fresh2-062", {"negation"}, id="n-a-pas-de-delegue-partitive-person"),
    pytest.param("fresh2-040", {"hypothesis"}, id="pas-de-representant-habilite-a-la"),
    pytest.param("fresh2-020", {"negation"}, id="mention-inside-n-ouvrent-aucun"),
    # suppression: a benefit that stops in a case, not a repeal
    pytest.param("fresh2-262", {"negation"}, id="supprime-ou-suspendu"),
    pytest.param("fresh2-263", {"negation"}, id="lorsque-then-sont-supprimes"),
    # quoted titles
    pytest.param("fresh2-121", set(), id="title-of-an-existing-article-is-not-quoted"),
    pytest.param("ctx-116", {"quotation"}, id="title-of-an-inserted-article-is-quoted"),
    # cues inside quoted words that the text deletes or replaces qualify nothing
    pytest.param("ctx-126", {"quotation"}, id="lorsqu-inside-replaced-words"),
    pytest.param("ctx-198", {"abrogation", "quotation"}, id="sauf-inside-deleted-words"),
    pytest.param("fresh2-111", {"quotation"}, id="ni-inside-replaced-words"),
    # ... while inserted text keeps them
    pytest.param("fresh2-113", {"negation", "quotation"}, id="aucune-inside-inserted-text"),
    pytest.param("fresh2-114", {"hypothesis", "quotation"}, id="lorsque-inside-inserted-text"),
]


@pytest.mark.parametrize("case_id, flags", RULES_2_2)
def test_context_2_2_and_2_3_rules_on_real_sentences(nlp_fast, nlp_case_mentions, tuning_cases, case_id, flags):
    _check_rule(tuning_cases[case_id], flags, ("tune", "held_out", "fresh", "fresh2"), nlp_fast, nlp_case_mentions)


@pytest.mark.parametrize(
    "text, words, flags",
    [
        # a person inside a mention is not the mention's head
        ("Le service de l'allocation de solidarité aux personnes âgées est supprimé aux personnes qui résident à l'étranger.",
         "allocation de solidarité aux personnes âgées", {"negation"}),
        # ... but a person is still no repeal, nor the subject of a stopped benefit
        ("Si le poste de la salariée est supprimé pour un motif économique, elle est reclassée.", "la salariée", {"hypothesis"}),
        # a straight repeal still is one, and its forms only
        ("L'article L. 311-6 relatif au conseil de la vie sociale est abrogé.", "conseil de la vie sociale", {"abrogation"}),
        ("Le décret relatif au conseil de la vie sociale et abrogeant le décret de 1991 est publié.",
         "conseil de la vie sociale", set()),
        # --- since context 2.3.0
        # 'comme suit' introduces amendment text
        ("Le 2e alinéa est désormais rédigé comme suit :\n« Le salarié a droit au congé individuel de formation. »",
         "a droit au", {"quotation"}),
        # 'X ou non' before a determiner is 'whether or not X'; 'non' + an adjective still negates
        ("Le juge décide d'accorder ou non une pension alimentaire.", "pension", set()),
        ("Les assurés non retraités relèvent du régime.", "retraités", {"negation"}),
        # a repeal with no condition is still one; a title after 'à l'article' is no quotation
        ("Le complément de ressources est supprimé.", "complément de ressources", {"abrogation"}),
        ("À l'article 09.04.2 « Allocation de solidarité spécifique », le dernier alinéa est supprimé.",
         "Allocation de solidarité spécifique", {"abrogation"}),
        # a list after 'à l'exception de' goes on after its comma, the main clause does not
        ("Les prestations sont versées, à l'exception des indemnités, de l'allocation de solidarité spécifique.",
         "allocation de solidarité spécifique", {"exception"}),
        ("À l'exception de ces clauses, la validité du protocole d'accord préélectoral est subordonnée à la signature.",
         "protocole d'accord préélectoral", set()),
    ],
)
def test_context_2_2_and_2_3_made_up_variants(nlp_fast, text, words, flags):
    doc = nlp_fast(text)
    spans = [span for span in doc.spans["isic"] if span.text == words]
    assert spans, [span.text for span in doc.spans["isic"]]
    assert set(spans[0]._.isic_context or {}) == flags


def test_context_2_3_voire_coordinates_subjects(tmp_path, tuning_cases):
    """'Les articles …, tous relatifs à la mise à la retraite de salariés de moins de 65 ans, voire
    de moins de 60 ans, sont supprimés': 'voire' (a CCONJ for the tagger) does not end the repeal's
    backward scope, like 'et' and 'ou' (accurate; with the case's mention put back)."""
    from benchmarks.context_quality import with_case_mentions

    case = tuning_cases["ctx-165"]
    _check_rule(case, {"abrogation"}, ("tune",), with_case_mentions("accurate", [case], tmp_path))


@pytest.mark.parametrize(
    "text, words, flags",
    [
        # Code du travail, fiches travail-emploi: about 260 'à défaut / en l'absence de X ou d(e) Y' in the corpora.
        ("A défaut de convention ou d'accord collectif étendu, la durée est fixée par décret.", "accord collectif", {"negation"}),
        ("Des dispositions supplétives s'appliquent en cas d'absence de convention ou d'accord collectif fixant ces règles.",
         "accord collectif", {"negation", "hypothesis"}),  # in the condition 'en cas de' opens, too
        ("En l'absence de délégué syndical ou de comité social et économique, l'employeur consulte les salariés.",
         "comité social et économique", {"negation"}),
        # Controls: a complement of the absent thing, and a coordinated clause, stay affirmed.
        ("En l'absence de réponse de l'employeur ou du comité social et économique, le salarié saisit le conseil.",
         "comité social et économique", set()),
        ("En l'absence de réponse, le délai court et le comité social et économique est consulté.",
         "comité social et économique", set()),
    ],
    ids=["defaut-convention-ou-accord", "absence-convention-ou-accord", "absence-ds-ou-cse", "complement-ou-du", "clause-et"],
)
def test_a_noun_coordinated_after_an_absence_cue_is_absent_too(nlp_fast, text, words, flags):
    """'À défaut de convention ou d'accord collectif': et / ou / ni followed by de joins a second
    noun to the cue (context.py ``_coordinated_noun``, after context 2.4.0's measurement)."""
    doc = nlp_fast(text)
    spans = [span for span in doc.spans["isic"] if span.text == words]
    assert spans, [span.text for span in doc.spans["isic"]]
    assert set(spans[0]._.isic_context or {}) == flags, spans[0]._.isic_context


def test_context_also_takes_qualifier_labels_only(nlp_fast):
    """An ``also`` label that isic_context cannot flag is error E313 (file, line, entry)."""
    import dataclasses

    from isic_nlp.errors import IsicError

    pipe = nlp_fast.get_pipe("isic_context")
    shipped = pipe.lexicons
    lexicon = shipped[0]
    entries = tuple(
        dataclasses.replace(e, also=("pause",)) if e.id == "exc.sauf_si" else e for e in lexicon.entries
    )
    try:
        with pytest.raises(IsicError) as info:
            pipe.set_lexicons([dataclasses.replace(lexicon, entries=entries)])
        assert info.value.code == "E313"
        assert "exc.sauf_si" in str(info.value) and "'also' names pause" in str(info.value)
    finally:
        pipe.set_lexicons(shipped)


def test_context_options_of_the_shipped_lexicon(nlp_fast):
    """Since 2.8.0 the entry options name what the code named: the unless clause, the subject
    past a reference, the cues and words of the double negation."""
    entries = nlp_fast.get_pipe("isic_context").lexicons[0].entries_by_id
    assert entries["exc.sauf_si"].also == ("hypothesis",)
    assert {i for i, e in entries.items() if e.subject_past_reference} == {
        "neg.ne_s_applique_pas_a", "neg.not_applicable_to"}
    assert {i for i, e in entries.items() if e.double_negation_after} == {"neg.sans", "neg.sans_avoir"}
    assert {"ne", "n'", "interdit", "prohibées"} <= set(entries["neg.sans"].double_negation_after)
    assert {i for i, e in entries.items() if e.adverbial_condition} == {"hyp.le_cas_echeant"}
