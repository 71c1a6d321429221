"""Lexicon fixes from the QA walk-through of the shared corpora (framing 1.2.0, isic_modes 1.1.0).

Every sentence below is copied from ``../shared/corpora`` (its record id is given), so each
case is a mention the QA engineer or the lexicon author read in context. Each fix has a
negative case (the wrong mention is gone or is a false friend) and a positive case (the
right sense of the same words is still counted).
"""

from __future__ import annotations

import pytest

import isic_nlp
from isic_nlp.lexicons import load_lexicon

# ``fast`` always; ``accurate`` (another lemmatiser) too, as a slow test: the token patterns
# (vous + pouvoir / devoir) rely on lemmas.
PIPELINES = ["fast", pytest.param("accurate", marks=pytest.mark.slow)]


@pytest.fixture(scope="module", params=PIPELINES)
def nlp(request):
    return isic_nlp.load(request.param)


def found(nlp, text: str) -> dict[str, list[tuple[str, bool]]]:
    """``{entry id: [(mention text, false friend), ...]}`` of the framing and mode mentions."""
    out: dict[str, list[tuple[str, bool]]] = {}
    doc = nlp(text)
    for span in doc.spans["isic"]:
        entry = span.id_.partition(":")[2]
        out.setdefault(entry, []).append((span.text, bool(span._.isic_false_friend)))
    return out


def test_versions_were_bumped():
    assert load_lexicon("framing").version == "1.2.0"
    assert load_lexicon("isic_modes").version == "1.1.0"


VOUS = {"rights.vous_pouvez", "rights.vous_beneficiez", "obligations.vous_devez"}
VIE_SOCIALE = {"social_bond.lien_social", "participation.participation_habitants"}


@pytest.mark.parametrize(
    "text, wrong_entries",
    [
        # finding 3, QA step 2 items 8 (vdd:F2830) and 9 (vdd:F10486): a negation inside the span
        ("Vous ne pouvez pas passer le permis A directement.", VOUS),
        ("Vous n'avez pas autorisé l'opération", VOUS),
        # negated entitlements (vdd: pension de réversion; AVPF)
        ("Vous n'avez pas droit à la pension de réversion si vous étiez pacsé ou si vous viviez en concubinage avec le défunt.", VOUS),
        ("L'affiliation à l'AVPF est prise en compte si vous ne bénéficiez pas, pour l'enfant concerné, et pour la même période, d'une majoration de durée d'assurance au régime général et à un régime de retraite des fonctionnaires.", VOUS),
        # procedural options and steps are not rights nor duties of the person
        ("Vous pouvez saisir votre demande en ligne.", VOUS),
        ("Vous devez remplir le formulaire de demande de retraite du régime général.", VOUS),
        ("Pour contester une décision de la Caf, vous devez respecter les étapes suivantes :", VOUS),
        # finding 4, etalab-cjf:casf:Annexe 2-4 (the disability rating guide), QA step 2 item 1
        ("Un taux de 50 % correspond à des troubles importants entraînant une gêne notable dans la vie sociale de la personne.", VIE_SOCIALE),
        ("Le traitement diététique est également contraignant, mais en général compatible avec une vie sociale normale.", VIE_SOCIALE),
        # KALITEXT000005684692: a job title
        ("Auxiliaire de vie sociale Titulaire du diplôme d'Etat de vie sociale (DEAVS)", VIE_SOCIALE),
        # etalab-cjf:casf:Annexe 2-5 (PCH): hours of help for the person's own social life
        ("La notion de participation à la vie sociale repose, fondamentalement, sur les besoins d'aide humaine pour se déplacer à l'extérieur et pour communiquer afin d'accéder notamment aux loisirs, à la culture, à la vie associative, etc.", VIE_SOCIALE),
        # QA step 2 item 4, etalab-cjf:casf:Annexe 4-9: a syllabus of the foster carers' training
        ("1. La maîtrise de la langue française orale, obligatoire pour le suivi de la formation et l'établissement des relations, notamment avec l'enfant, sa famille, l'employeur, les services du département et les professionnels concernés par la prise en charge du mineur ou du jeune majeur.",
         {"rights.possessifs_personne"}),
    ],
)
def test_wrong_mentions_are_gone(nlp, text, wrong_entries):
    hits = found(nlp, text)
    assert not set(hits) & wrong_entries, hits


# --- QA step 2: the other wrong mentions --------------------------------------------------


@pytest.mark.parametrize(
    "text, false_friend, words, wrong_entry",
    [
        # etalab-cjf:casf:D312-28 (item 2: chambre individuelle)
        ("La surface des chambres individuelles est d'au moins neuf mètres carrés.",
         "rights.ff_chambre_individuelle", "chambres individuelles", "rights.individuel"),
        # etalab-cjf:casf:D471-17 (item 3)
        ("1° Les préfets, les directeurs départementaux des affaires sanitaires sociales, leurs adjoints et les agents individuellement désignés et spécialement habilités par eux à cette fin",
         "rights.ff_individuellement_designes", "individuellement désignés", "rights.individuel"),
        # etalab-cjf:casf:Annexe 3-8-1 (item 5)
        ("L'indemnité de congé est versée mensuellement au même titre que l'ensemble des frais d'accueil.",
         "individual_benefit.ff_indemnite_conges", "indemnité de congé", "individual_benefit.indemnite"),
        # KALITEXT000025805457 (item 12)
        ("Ce temps peut comprendre le travail en binôme, les mises en situation de travail, les périodes d'observation ou de test, les réunions de travail collectives (réunion de coordination, réunion de transmission, etc.), ou les réunions individuelles entre le maître d'apprentissage et son apprenti.",
         "group_work.ff_reunions_travail", "réunions de travail collectives", "group_work.activites_collectives"),
        # KALITEXT000025805457 (item 13: workplace tutor)
        ("L'accès à la fonction de tuteur /maître d'apprentissage nécessite le volontariat.",
         "individual_support.ff_tuteur_fonction", "fonction de tuteur", "individual_support.tutorat"),
        # LEGIARTI000038837096 (item 14: profit-sharing fund)
        ("Lorsque le salarié ne demande pas le versement des sommes qui lui sont attribuées au titre de la participation, sa quote-part de réserve spéciale de participation, dans la limite de celle calculée à l'article L. 3324-1, est affectée, pour moitié, dans un plan d'épargne pour la retraite collectif.",
         "labour_relations.ff_participation_resultats", "réserve spéciale de participation",
         "labour_relations.participation_salaries"),
    ],
)
def test_wrong_mentions_of_the_walk_through_are_false_friends(nlp, text, false_friend, words, wrong_entry):
    hits = found(nlp, text)
    assert (words, True) in hits.get(false_friend, []), hits
    assert wrong_entry not in hits, hits


@pytest.mark.parametrize(
    "text, entry, words",
    [
        # finding 3: a right or a duty of the reader of a service-public sheet
        # vdd:F1887
        ("Si votre carte d'identité est détériorée, vous pouvez demander son renouvellement.",
         "rights.vous_pouvez", "vous pouvez demander"),
        # vdd:F31456 (future tense, another verb of entitlement)
        ("Si la recherche aboutit, vous pourrez réclamer les sommes à la CDC.",
         "rights.vous_pouvez", "vous pourrez réclamer"),
        # vdd:F16494
        ("Vous bénéficiez d'une majoration de votre pension si vous avez élevé au moins 3 enfants, pendant au moins 9 ans :",
         "rights.vous_beneficiez", "Vous bénéficiez"),
        # vdd:F12118: a duty of the person is an obligation, not a right
        ("Vous devez déclarer votre changement d'adresse dans un délai d'1 mois après votre déménagement.",
         "obligations.vous_devez", "Vous devez déclarer"),
        # vdd:F2882
        ("Vous devez prévenir la Caf ou la MSA de votre incarcération en adressant un certificat de présence pour que le versement de la prime d'activité soit suspendu.",
         "obligations.vous_devez", "Vous devez prévenir"),
        # etalab-cjf:casf:D311-5 and KALITEXT000043562266: the collective uses of "vie sociale"
        # and "lien social" are kept (finding 4)
        ("Le conseil de la vie sociale comprend au moins :", "participation.conseil_vie_sociale",
         "conseil de la vie sociale"),
        ("Le technicien de l'intervention sociale et familiale (TISF) effectue une intervention sociale, préventive, éducative et réparatrice visant à favoriser l'autonomie des personnes et leur intégration dans leur environnement et à créer ou restaurer le lien social.",
         "social_bond.lien_social", "lien social"),
        # LEGIARTI000018124358: the person's own situation is still a cue
        ("Toute action contre un employeur est obligatoirement précédée d'une mise en demeure par lettre recommandée qui invite l'intéressé à régulariser sa situation.",
         "rights.possessifs_personne", "sa situation"),
        # etalab-cjf:casf:Annexe 3-8-1: a person met individually is still individual
        ("Ainsi, la personne accueillie pourra être rencontrée individuellement au domicile de l'accueillant familial par les services chargés du suivi social et médico-social.",
         "rights.individuel", "individuellement"),
        # vdd:F24411
        ("Le salarié perçoit une indemnité de rupture de son contrat de travail.",
         "individual_benefit.indemnite", "indemnité de rupture"),
        # vdd:F1421
        ("Il peut participer à des actions d'animation collective.",
         "group_work.activites_collectives", "animation collective"),
        # vdd:F1454: the legal guardian, and the préfet as guardian of pupilles (CASF L224-1)
        ("La personne sous tutelle agit par l'intermédiaire de son tuteur.", "individual_support.tutorat", "tuteur"),
        ("Les organes chargés de la tutelle des pupilles de l'Etat mentionnée au présent chapitre sont le représentant de l'Etat dans le département, qui exerce la fonction de tuteur et peut se faire représenter, et le conseil de famille des pupilles de l'Etat ;",
         "individual_support.tutorat", "qui exerce la fonction de tuteur"),
        # fiches-travail-emploi: collective labour agreements, not group work
        ("Les entreprises dont les salariés détachés se voient appliquer des conventions et accords de travail collectifs français étendus du secteur du BTP et du spectacle doivent déclarer ces salariés.",
         "labour_relations.accords_travail_collectifs", "accords de travail collectifs"),
        # LEGIARTI000047591097: employees' participation in company bodies
        ("Les modalités de la participation des salariés, au sens de l'article L. 2351-6, sont arrêtées par accord conclu entre les dirigeants des sociétés participant à l'opération transfrontalière et les représentants des salariés conformément au présent chapitre et au chapitre II du présent titre.",
         "labour_relations.participation_salaries", "participation des salariés"),
    ],
)
def test_the_right_senses_of_the_same_words_are_still_counted(nlp, text, entry, words):
    hits = found(nlp, text)
    assert hits.get(entry) == [(words, False)], hits


# --- finding 14: the two lexicons judge "action(s) collective(s)" alike ----------------------


def _entry(lexicon, entry_id):
    [entry] = [e for e in lexicon.entries if e.id == entry_id]
    return entry


def test_action_collective_has_the_same_guards_and_false_friends_in_both_lexicons():
    framing, modes = load_lexicon("framing"), load_lexicon("isic_modes")
    f_cue, m_cue = _entry(framing, "group_work.action_collective"), _entry(modes, "collectives.action_collective")
    assert f_cue.unless_sentence == m_cue.unless_sentence
    assert set(f_cue.phrases) <= set(m_cue.phrases)
    f_ff = _entry(framing, "group_work.ff_actions_collectives_formation")
    m_ff = _entry(modes, "collectives.ff_actions_collectives_formation")
    assert f_ff.sense == m_ff.sense == "false_friend"
    assert set(f_ff.phrases) == set(m_ff.phrases)
    # the bare words that made a textbook collective action a false friend are gone
    assert not {"compétences", "branche"} & set(m_cue.unless_sentence)


@pytest.mark.parametrize(
    "text, words, false_friend",
    [
        # KALITEXT000043562266 (QA finding 14, step 2 item 11): a collective action, though the
        # sentence also says "compétences" and "branche"
        ("Ces compétences acquises par ce métier et ne pouvant être mises en œuvre par un autre intervenant au sein de la branche sont plus particulièrement importantes pour permettre de favoriser l'insertion sociale ou l'intégration des familles dans leur environnement en les encourageant à fréquenter des lieux hors de leur domicile, à participer à des actions collectives dans leur quartier.",
         "actions collectives", False),
        # etalab-cjf:casf:L221-1
        ("2° Organiser, dans les lieux où se manifestent des risques d'inadaptation sociale, des actions collectives visant à prévenir la marginalisation et à faciliter l'insertion ou la promotion sociale des jeunes et des familles",
         "actions collectives", False),
        # KALITEXT000025805457 (finding 14): branch training money
        ("Elle définit annuellement les moyens financiers nécessaires à la mise en œuvre des projets qualifiés de la formation professionnelle établis par la branche et notamment la CPNEFP (budget, cofinancement, actions collectives nationales (ACN), territoriales (ACT), demandes d'aides financières (DAF), aide aux CPREFP…).",
         "actions collectives nationales", True),
        # KALITEXT000043075020: guarded by the words of the sentence in both lexicons
        ("Les actions collectives définies à l'article 44.6 bénéficient aux entreprises relevant du champ d'application de la convention collective nationale 66-79.",
         "actions collectives", True),
    ],
)
def test_both_lexicons_give_the_same_verdict_on_actions_collectives(nlp, text, words, false_friend):
    doc = nlp(text)
    spans = [s for s in doc.spans["isic"] if s.text == words]
    verdicts = {s.id_.partition("@")[0]: bool(s._.isic_false_friend) for s in spans}
    assert verdicts == {"framing": false_friend, "isic_modes": false_friend}, verdicts
