"""The ``fast`` pipeline's corrections of the lookup table (``isic_nlp.components.lemmatizer.CORRECTIONS``)."""

from __future__ import annotations

import pytest

import isic_nlp
from isic_nlp.components.lemmatizer import CORRECTIONS


@pytest.fixture(scope="module")
def nlp():
    return isic_nlp.load("fast")


@pytest.mark.parametrize("sentence, form, lemma", [
    # Sentences of the CASF and the Code du travail (demo corpus).
    ("Le salarié bénéficie d'un congé de formation.", "salarié", "salarié"),
    ("L'employeur informe les salariés de la date du scrutin.", "salariés", "salarié"),
    ("Les salariées enceintes bénéficient d'une autorisation d'absence.", "salariées", "salarié"),
    ("La décision est notifiée à l'intéressé par lettre recommandée.", "intéressé", "intéressé"),
    ("Les personnes intéressées peuvent présenter leurs observations.", "intéressées", "intéressé"),
    ("L'Etat et les départements concluent une convention.", "Etat", "état"),
    ("L'État assure la coordination.", "État", "état"),
    # Not corrected: the verb reading is as common.
    ("Le service est assuré par la commune.", "assuré", "assurer"),
    ("Le personnel employé par l'établissement.", "employé", "employer"),
])
def test_person_nouns_keep_their_lemma(nlp, sentence, form, lemma):
    doc = nlp(sentence)
    assert [t.lemma_ for t in doc if t.text == form] == [lemma]


def test_the_table_only_corrects_forms_it_lists(nlp):
    doc = nlp("Les allocataires et les bénéficiaires sont informés.")
    assert [t.lemma_ for t in doc if t.is_alpha] == ["le", "allocataire", "et", "le", "bénéficiaire", "être", "informer"]
    assert all(form == form.lower() for form in CORRECTIONS)
