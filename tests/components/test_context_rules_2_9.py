"""Negation rules of context 2.9.0 (issue 12, from the errors of the tuning halves, above all
``fresh8`` and ``fresh9``): general rules of French syntax and drafting, each with controls.

Each sentence is written for this test; none is a case of a half. The labels follow
``tests/fixtures/context/CONVENTIONS.md`` (rule numbers in the comments).
"""

from __future__ import annotations

import pytest

RULES_2_9 = [
    # 'ne' alone after 'pouvoir' / 'savoir' denies the verb (the drafting of codes): its object
    # is negated (N7, N8), not a person; a particle, 'ne … que', a limit keep their own reading
    pytest.param("Le salarié démissionnaire ne peut prétendre à l'allocation journalière.",
                 "allocation journalière", {"negation"}, id="ne-peut-object"),
    pytest.param("Cet engagement unilatéral ne saurait remplacer la convention collective.",
                 "convention collective", {"negation"}, id="ne-saurait-object"),
    pytest.param("L'organisme ne peut verser l'aide au salarié.",
                 "au salarié", set(), id="ne-peut-person-control"),
    pytest.param("Le salarié ne peut bénéficier que d'une seule allocation journalière.",
                 "allocation journalière", {"exception"}, id="ne-peut-que-control"),
    pytest.param("Le montant de l'allocation journalière ne peut excéder le plafond fixé par décret.",
                 "allocation journalière", set(), id="ne-peut-exceder-control"),
    # 'ne peut être' + participle: a denied passive denies its subject (N7), never a person
    pytest.param("L'allocation journalière ne peut être versée avant la fin du délai de carence.",
                 "allocation journalière", {"negation"}, id="ne-peut-etre-subject"),
    pytest.param("Une convention collective ne peut être conclue dans ces conditions.",
                 "convention collective", {"negation"}, id="ne-peut-etre-subject-2"),
    pytest.param("L'exercice de la mission de défenseur syndical ne peut être une cause de sanction.",
                 "syndical", set(), id="ne-peut-etre-copula-control"),
    pytest.param("Le salarié ne peut être licencié pendant son congé.",
                 "Le salarié", set(), id="ne-peut-etre-person-control"),
    # a protective verb after 'ne peut' keeps its object (N14, N13): no denial
    pytest.param("Le salarié ne peut être privé de l'allocation journalière.",
                 "allocation journalière", set(), id="ne-peut-etre-prive"),
    pytest.param("La caisse ne peut refuser l'allocation journalière au demandeur.",
                 "allocation journalière", set(), id="ne-peut-refuser"),
    pytest.param("L'allocation journalière ne peut être cumulée avec une pension d'invalidité.",
                 "allocation journalière", set(), id="ne-peut-etre-cumulee"),
    pytest.param("L'accord d'entreprise ne peut être rompu avant son terme.",
                 "accord d'entreprise", set(), id="ne-peut-etre-rompu"),
    # after 'et', a protective 'ne peut' ends the scope before it (term.et_ne) and denies nothing
    pytest.param("Ces règles s'appliquent à tous, sauf accords plus favorables et ne peuvent porter atteinte "
                 "aux situations individuelles.", "situations individuelles", set(), id="et-ne-peut-atteinte"),
    pytest.param("Le salarié quitte l'entreprise et ne peut prétendre à l'allocation journalière.",
                 "allocation journalière", {"negation"}, id="et-ne-peut-object"),
    # a comparative after a protective verb is no second particle (N14)
    pytest.param("Le demandeur ne peut pas refuser plus de deux offres raisonnables d'emploi.",
                 "offres raisonnables d'emploi", set(), id="refuser-plus-de"),
    pytest.param("Le demandeur ne perçoit plus d'allocation journalière.",
                 "allocation journalière", {"negation"}, id="ne-plus-control"),
    # a predicate that classifies denies neither its subject nor what follows (N13, N5)
    pytest.param("Les indemnités de licenciement ne sont pas soumises à la consultation du comité.",
                 "consultation du comité", set(), id="not-subjected"),
    pytest.param("Le gérant ne peut pas être membre du comité social et économique.",
                 "comité social et économique", set(), id="not-member"),
    pytest.param("Les commissions paritaires ne peuvent pas être désignées opérateurs de conseil.",
                 "commissions paritaires", set(), id="not-appointed"),
    pytest.param("Le comité social et économique n'a pas été consulté.",
                 "comité social et économique", {"negation"}, id="not-consulted-control"),
    # a benefit that stops is negated (N2, N4): the subject of 'cesse d'être due / versée'
    pytest.param("L'allocation de solidarité spécifique cesse d'être versée à la date de la reprise.",
                 "allocation de solidarité spécifique", {"negation"}, id="cesse-d-etre-versee"),
    pytest.param("Les allocations de chômage cessent d'être dues le mois suivant.",
                 "allocations de chômage", {"negation"}, id="cessent-d-etre-dues"),
    pytest.param("Le salarié cesse d'être payé à la fin du mois.",
                 "Le salarié", set(), id="cesse-person-control"),
    pytest.param("Les conditions d'attribution de l'allocation journalière cessent d'être remplies.",
                 "allocation journalière", set(), id="cessent-remplies-control"),
    # 'en aucun cas' set off by commas is the particle of the 'ne' before it; a limit stays a limit
    pytest.param("Cette absence ne donne lieu, en aucun cas, au versement d'indemnités journalières.",
                 "indemnités journalières", {"negation"}, id="ne-en-aucun-cas"),
    pytest.param("Le montant de l'allocation journalière ne peut, en aucun cas, excéder celui de la pension "
                 "d'invalidité.", "pension d'invalidité", set(), id="ne-en-aucun-cas-limit-control"),
    # an agreement that does not cover or govern the subject is negated (N5), not its subject
    pytest.param("Le salarié exerce une activité qui n'est pas couverte par une convention collective.",
                 "convention collective", {"negation"}, id="not-covered-by-agent"),
    pytest.param("L'accord de branche n'est pas régi par le code rural.",
                 "accord de branche", {"negation"}, id="not-governed-subject"),
    pytest.param("Le projet est défini par un accord de branche et la convention collective.",
                 "accord de branche", set(), id="covered-by-control"),
]


@pytest.mark.parametrize("text, words, flags", RULES_2_9)
def test_context_2_9_rules(nlp_fast, text, words, flags):
    doc = nlp_fast(text)
    spans = [span for span in doc.spans["isic"] if span.text == words]
    assert spans, [span.text for span in doc.spans["isic"]]
    assert set(spans[0]._.isic_context or {}) == flags, spans[0]._.isic_context


def test_context_version_2_9(nlp_fast):
    """The rules of this file are those of context 2.9.0 or later."""
    lexicon = nlp_fast.get_pipe("isic_context").lexicons[0]
    major, minor, _ = (int(part) for part in lexicon.version.split("."))
    assert (major, minor) >= (2, 9)
