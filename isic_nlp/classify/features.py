"""Features of a unit: its text, and its document profile from the spaCy components.

The profile comes from the tables of the one table builder
(:mod:`isic_nlp.tables`): :func:`unit_features` turns an analysis' ``documents``,
``mentions`` and unit texts into the model's X, one row per unit: ``text`` and
the numeric profile columns (``n_tokens``, ``n_<label>``, ``rate_<label>`` for
every label and group, and ``ctx_<flag>``: mentions carrying each context
flag, ``ctx_<flag>_<group>`` per group, ``uncounted_<group>``). So a report,
or ``classify`` after ``analyse``, runs the spaCy pipeline once.
:func:`profile_table` does the same for plain texts (one spaCy pass).

:class:`ProfileFeatures` is the scikit-learn transformer that turns the numeric
profile columns into model features (log-counts, squashed rates, the share of
each framing side); :func:`make_features` combines it with word and character
n-grams of the text in one ``ColumnTransformer``.

Example:
    >>> import isic_nlp
    >>> table = profile_table(["Le conseil de la vie sociale associe les usagers."], isic_nlp.load("fast"))
    >>> int(table.loc[0, "n_participation"]), int(table.loc[0, "n_collective"])
    (1, 1)
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted, validate_data
from spacy.language import Language

from ..components.extensions import CONTEXT_FLAGS
from ..progress import with_progress
from ..tables import count_names, extract_tables, label_groups, mention_key

FLAGS = (*CONTEXT_FLAGS, "false_friend")


def profile_columns(groups: dict[str, str]) -> list[str]:
    """The numeric columns of :func:`unit_features`, in a fixed order, for a pipeline's labels."""
    names = count_names(groups)
    sides = list(dict.fromkeys(groups.values()))
    return [
        "n_tokens",
        *[f"n_{name}" for name in names],
        *[f"rate_{name}" for name in names],
        *[f"ctx_{flag}" for flag in FLAGS],
        *[f"ctx_{flag}_{side}" for flag in FLAGS for side in sides],
        *[f"uncounted_{side}" for side in sides],
    ]


def unit_features(
    documents: pd.DataFrame,
    mentions: pd.DataFrame,
    texts: pd.DataFrame,
    groups: dict[str, str],
    *,
    unit: str = "document",
) -> pd.DataFrame:
    """The model's X, one row per row of ``documents``: ``text`` and the numeric profile columns.

    Args:
        documents, mentions: tables of :mod:`isic_nlp.tables` (an ``AnalysisResult``'s).
        texts: ``id`` and ``text`` of every unit (``analyse(..., texts=True)``).
        groups: every label with its group (``manifest["labels"]``).
        unit: the level of the ``documents`` rows, which says which column of
            ``mentions`` names a mention's row (see :func:`isic_nlp.tables.mention_key`).

    A missing rate (a unit without tokens) is read as 0.
    """
    columns = profile_columns(groups)
    ids = documents["id"].astype(str).to_numpy()
    text = texts.assign(id=texts["id"].astype(str)).drop_duplicates("id").set_index("id")["text"].reindex(ids)
    out = pd.DataFrame(0.0, index=range(len(documents)), columns=columns)
    for column in columns:
        if column in documents:
            out[column] = pd.to_numeric(documents[column], errors="coerce").fillna(0.0).to_numpy(dtype=float)
    if len(mentions) and len(documents):
        row_of = pd.Series(np.arange(len(ids)), index=ids)
        rows = row_of.reindex(mentions[mention_key(unit)].astype(str).to_numpy()).to_numpy()
        inside = ~np.isnan(rows)
        found = mentions.loc[inside]
        rows = rows[inside].astype(np.int64)
        side = found["group"].to_numpy(dtype=object)
        sides = list(dict.fromkeys(groups.values()))
        for flag in FLAGS:
            on = found[flag].fillna(False).to_numpy(dtype=bool)
            out[f"ctx_{flag}"] = np.bincount(rows[on], minlength=len(ids)).astype(float)
            for s in sides:
                mask = on & (side == s)
                out[f"ctx_{flag}_{s}"] = np.bincount(rows[mask], minlength=len(ids)).astype(float)
        uncounted = ~found["counted"].fillna(False).to_numpy(dtype=bool)
        for s in sides:
            mask = uncounted & (side == s)
            out[f"uncounted_{s}"] = np.bincount(rows[mask], minlength=len(ids)).astype(float)
    out.insert(0, "text", text.to_numpy(dtype=object))
    return out


def profile_table(texts: Iterable[str], nlp: Language, *, batch_size: int = 64) -> pd.DataFrame:
    """One row per text: ``text`` and the numeric profile columns, for the model's X (one spaCy pass)."""
    texts = list(texts)
    docs = with_progress(nlp.pipe(texts, batch_size=batch_size), len(texts), desc="spaCy", unit=" texts")
    tables = extract_tables(docs, nlp)
    unit_texts = pd.DataFrame({"id": tables.documents["id"], "text": texts})
    return unit_features(tables.documents, tables.mentions, unit_texts, label_groups(nlp))


class ProfileFeatures(TransformerMixin, BaseEstimator):
    """Numeric document profile -> model features.

    Counts become ``log1p(count)``; rates (per 10,000 tokens) become
    ``log1p(rate / rate_scale)``; with ``sides``, the share of each pair of
    columns (e.g. individual vs collective) is added, which says which framing
    dominates whatever the text's length. Negative inputs are clipped to 0.

    Args:
        rate_columns: indices of the columns that are rates (all others are counts).
        sides: pairs ``(i, j)`` of column indices; adds ``(x_i + 1) / (x_i + x_j + 2)``.
        rate_scale: divides the rates before the log.

    Example:
        >>> ProfileFeatures(sides=[(0, 1)]).fit_transform(np.array([[3.0, 1.0]])).round(2).tolist()
        [[1.39, 0.69, 0.67]]
    """

    def __init__(self, rate_columns=(), sides=(), rate_scale: float = 100.0):
        self.rate_columns = rate_columns
        self.sides = sides
        self.rate_scale = rate_scale

    def fit(self, X, y=None):
        X = validate_data(self, X, reset=True, dtype=np.float64)
        used = [*self.rate_columns, *[i for pair in self.sides for i in pair]]
        if used and max(used) >= X.shape[1]:
            raise ValueError(
                f"rate_columns and sides refer to column {max(used)}, but X has {X.shape[1]} feature(s)"
            )
        rates = np.zeros(X.shape[1], dtype=bool)
        rates[list(self.rate_columns)] = True
        self.is_rate_ = rates
        return self

    def transform(self, X):
        check_is_fitted(self, "is_rate_")
        X = validate_data(self, X, reset=False, dtype=np.float64)
        X = np.clip(X, 0.0, None)
        out = np.where(self.is_rate_, np.log1p(X / self.rate_scale), np.log1p(X))
        shares = [(X[:, [i]] + 1.0) / (X[:, [i]] + X[:, [j]] + 2.0) for i, j in self.sides]
        return np.hstack([out, *shares]) if shares else out

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "is_rate_")
        names = (
            list(input_features)
            if input_features is not None
            else [f"x{i}" for i in range(self.n_features_in_)]
        )
        return np.array(
            [*names, *[f"share_{names[i]}_vs_{names[j]}" for i, j in self.sides]], dtype=object
        )


def make_features(
    columns: list[str],
    *,
    word_ngrams=(1, 2),
    char_ngrams=(2, 5),
    min_df: int = 2,
    profile_weight: float = 0.05,
    max_char_features: int = 60_000,
    context_weight: float = 0.0,
    parse_columns: list[str] | None = None,
    parse_weight: float = 0.1,
    vector_columns: list[str] | None = None,
    vector_weight: float = 0.05,
    mode_context_columns: list[str] | None = None,
    mode_context_weight: float = 0.3,
) -> ColumnTransformer:
    """Word and character n-grams of ``text`` plus the scaled :class:`ProfileFeatures` of ``columns``.

    ``profile_weight`` multiplies the standardised profile features: each is
    worth about one n-gram at 0.05, while the TF-IDF rows have unit norm
    (chosen by cross-validation, see ``isic_nlp.classify.model.PARAM_GRID``).

    Optional blocks (each only when asked for, so older inputs keep working):

    * ``context_weight > 0``: word TF-IDF of the ``context`` column (document
      type, title, section path: :func:`isic_nlp.classify.context_features.context_text`);
    * ``parse_columns``: the dependency-parse roles
      (:class:`isic_nlp.classify.parse_features.ParseFeatures`), standardised, times ``parse_weight``;
    * ``vector_columns``: averaged static vectors, standardised, times ``vector_weight``;
    * ``mode_context_columns``: ISIC-mode mentions described vs merely named
      (:mod:`isic_nlp.classify.mode_context`), ``log1p``, standardised, times ``mode_context_weight``.

    ``columns`` lists the profile columns only (not the parse or vector ones).
    """
    rate_columns = [i for i, c in enumerate(columns) if c.startswith("rate_")]
    index = {c: i for i, c in enumerate(columns)}
    sides = (
        [(index["n_individual"], index["n_collective"])]
        if {"n_individual", "n_collective"} <= set(index)
        else []
    )
    transformers = [
        (
            "word",
            TfidfVectorizer(
                ngram_range=word_ngrams,
                min_df=min_df,
                sublinear_tf=True,
                strip_accents=None,
                lowercase=True,
            ),
            "text",
        ),
        (
            "char",
            TfidfVectorizer(
                analyzer="char_wb",
                ngram_range=char_ngrams,
                min_df=min_df,
                sublinear_tf=True,
                max_features=max_char_features,
            ),
            "text",
        ),
        (
            "profile",
            Pipeline(
                [
                    ("profile", ProfileFeatures(rate_columns=rate_columns, sides=sides)),
                    ("scale", StandardScaler()),
                ]
            ),
            list(columns),
        ),
    ]
    weights = {"word": 1.0, "char": 1.0, "profile": profile_weight}
    if context_weight > 0:
        transformers.append(
            (
                "context",
                TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, lowercase=True),
                "context",
            )
        )
        weights["context"] = context_weight
    if parse_columns:
        from .parse_features import ParseFeatures

        transformers.append(
            (
                "parse",
                Pipeline(
                    [("parse", ParseFeatures(columns=tuple(parse_columns))), ("scale", StandardScaler())]
                ),
                list(parse_columns),
            )
        )
        weights["parse"] = parse_weight
    if vector_columns:
        transformers.append(("vectors", StandardScaler(), list(vector_columns)))
        weights["vectors"] = vector_weight
    if mode_context_columns:
        transformers.append(
            (
                "mode_context",
                Pipeline([("log", ProfileFeatures()), ("scale", StandardScaler())]),
                list(mode_context_columns),
            )
        )
        weights["mode_context"] = mode_context_weight
    return ColumnTransformer(transformers, transformer_weights=weights, sparse_threshold=1.0)
