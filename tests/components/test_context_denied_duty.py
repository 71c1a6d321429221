"""A denied duty negates the act and what it is about (context 2.8.0; ``CONVENTIONS.md`` N20).

*N'est pas tenu de*, *n'a pas à*, *sans avoir à*, *sans être tenu de*, *sans devoir* + a verb:
the object of the act that is not required is negated, as the object of a denied verb is
(the issue's own examples: *n'est plus tenu de signer un contrat*, *n'y a pas lieu
d'élaborer*). Not the person who need not act, a person the act is for, a complement of the
object, nor a mention past the end of the clause. Sentences written for this test, not cases
of any half.
"""

from __future__ import annotations

import pytest

DENIED_DUTY = [
    pytest.param("L'employeur n'est plus tenu de conclure un accord d'entreprise avec les délégués.",
                 "accord d'entreprise", {"negation"}, id="not-obliged-object"),
    pytest.param("Le salarié n'est pas tenu de signer un accord d'entreprise.",
                 "Le salarié", set(), id="not-obliged-subject-control"),
    pytest.param("L'organisme n'est pas tenu de verser l'allocation de logement au salarié.",
                 "au salarié", set(), id="not-obliged-person-after-control"),
    pytest.param("Le bénéficiaire n'a pas à déclarer la pension alimentaire reçue de ses parents.",
                 "pension", {"negation"}, id="pas-a-object"),
    pytest.param("Le bénéficiaire n'a pas droit à la pension alimentaire.",
                 "pension", {"negation"}, id="pas-droit-control"),
    pytest.param("La salariée peut démissionner sans avoir à verser d'indemnité de rupture.",
                 "indemnité de rupture", {"negation"}, id="sans-avoir-a-object"),
    pytest.param("Le syndicat agit en justice sans avoir à justifier d'un mandat de l'intéressé.",
                 "de l'intéressé", set(), id="sans-avoir-a-complement-control"),
    pytest.param("L'assuré peut changer de médecin sans être tenu de respecter le parcours de soins.",
                 "parcours de soins", {"negation"}, id="sans-etre-tenu-object"),
    pytest.param("L'entreprise adhère au dispositif sans devoir négocier un accord d'entreprise.",
                 "accord d'entreprise", {"negation"}, id="sans-devoir-object"),
    pytest.param("L'employeur n'est pas tenu de consulter le personnel ; toutefois, le comité social et économique est informé.",
                 "comité social et économique", set(), id="past-the-clause-control"),
    pytest.param("Sans préjuger de négociations à venir sur la convention collective, les parties ont signé.",
                 "convention collective", set(), id="sans-prejuger-control"),
]


@pytest.mark.parametrize("text, words, flags", DENIED_DUTY)
def test_a_denied_duty_negates_its_object(nlp_fast, text, words, flags):
    doc = nlp_fast(text)
    spans = [span for span in doc.spans["isic"] if span.text == words]
    assert spans, [span.text for span in doc.spans["isic"]]
    assert set(spans[0]._.isic_context or {}) == flags, spans[0]._.isic_context
