"""Tiny labelled set of real-sounding French units (3 frames x 8, some modes), and fixtures on it.

Not a ``conftest.py``: the doctest collector of the whole tree would take it
for ``tests/conftest.py``. Test modules import the fixtures they use.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from isic_nlp.classify import Classifier

INDIVIDUAL = [
    "Toute personne a droit à l'information sur ses droits et sur les prestations auxquelles elle peut prétendre.",
    "Le bénéficiaire du revenu de solidarité active est tenu de rechercher un emploi.",
    "La décision est notifiée à l'intéressé, qui peut former un recours dans un délai de deux mois.",
    "Le projet personnalisé est élaboré avec la personne accueillie et respecte son libre choix.",
    "L'allocation est versée mensuellement au demandeur qui remplit les conditions de ressources.",
    "La personne handicapée a droit à la compensation des conséquences de son handicap.",
    "Le salarié peut demander à bénéficier d'un congé individuel de formation.",
    "Le consentement éclairé de la personne est recherché et sa vie privée est respectée.",
]
COLLECTIVE = [
    "Le conseil de la vie sociale associe les usagers au fonctionnement de l'établissement.",
    "Les habitants du quartier animent un groupe de parole et d'entraide chaque semaine.",
    "Un diagnostic partagé du territoire est conduit avec les associations d'habitants et les élus.",
    "Les représentants du personnel négocient un accord collectif avec l'employeur.",
    "Le groupe d'entraide mutuelle réunit des personnes qui partagent la même situation.",
    "Le projet de territoire est construit en partenariat par les acteurs du développement social local.",
    "La convention collective est conclue entre les organisations syndicales et les employeurs.",
    "Les familles se mobilisent ensemble pour une action collective de quartier avec le centre social.",
]
NONE = [
    "Le taux de la cotisation est fixé par décret.",
    "Les dispositions du présent article entrent en vigueur le 1er janvier 2020.",
    "Le tribunal judiciaire est compétent pour connaître des litiges nés de l'application du présent chapitre.",
    "Les comptes sont arrêtés à la clôture de chaque exercice selon les règles de la comptabilité publique.",
    "L'article L. 241-3 est abrogé.",
    "Un arrêté du ministre chargé du budget fixe le montant de la redevance.",
    "Le licenciement collectif pour motif économique donne lieu à une information de l'autorité administrative.",
    "Les sommes sont recouvrées selon les modalités prévues pour les créances de l'Etat.",
]
MODES = {
    "Les habitants du quartier animent un groupe de parole et d'entraide chaque semaine.": [
        "groupes"
    ],
    "Le groupe d'entraide mutuelle réunit des personnes qui partagent la même situation.": [
        "groupes"
    ],
    "Les familles se mobilisent ensemble pour une action collective de quartier avec le centre social.": [
        "collectives",
        "groupes",
    ],
    "Un diagnostic partagé du territoire est conduit avec les associations d'habitants et les élus.": [
        "dsl"
    ],
    "Le projet de territoire est construit en partenariat par les acteurs du développement social local.": [
        "dsl"
    ],
    "Le conseil de la vie sociale associe les usagers au fonctionnement de l'établissement.": [
        "dsl"
    ],
}


def labelled_rows() -> list[dict]:
    rows = []
    for frame, texts in (("individual", INDIVIDUAL), ("collective", COLLECTIVE), ("none", NONE)):
        for i, text in enumerate(texts):
            rows.append(
                {
                    "id": f"{frame[:3]}{i}",
                    "text": text,
                    "frame": frame,
                    "modes": MODES.get(text, []),
                    "year": 2000 + i,
                }
            )
    return rows


@pytest.fixture(scope="session")
def labels_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("labels") / "labels.jsonl"
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in labelled_rows()), encoding="utf-8"
    )
    return path


@pytest.fixture(scope="session")
def tiny_model(nlp_fast) -> Classifier:
    rows = labelled_rows()
    return Classifier(nlp=nlp_fast, C=1.0).fit(
        [r["text"] for r in rows], [r["frame"] for r in rows], [r["modes"] for r in rows]
    )


@pytest.fixture(scope="session")
def tiny_model_dir(tiny_model, tmp_path_factory) -> Path:
    return tiny_model.save(tmp_path_factory.mktemp("models") / "tiny")
