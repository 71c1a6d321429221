"""Features of a unit: its text, and its document profile from the spaCy components.

:func:`profile_table` runs an isic_nlp pipeline over texts and returns one row
per text with ``text`` and the numeric profile columns (``n_tokens``,
``n_<label>``, ``rate_<label>`` for every label and group, and ``ctx_<flag>``:
mentions carrying each context flag, ``ctx_<flag>_<group>`` per group,
``uncounted_<group>``). That table is what the scikit-learn model takes as X.

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
from spacy.tokens import Doc

from ..analysis import label_groups
from ..components.extensions import CONTEXT_FLAGS, SPANS_KEY

FLAGS = (*CONTEXT_FLAGS, "false_friend")


def profile_columns(groups: dict[str, str]) -> list[str]:
    """The numeric columns of :func:`profile_table`, in a fixed order, for a pipeline's labels."""
    names = [*groups, *dict.fromkeys(groups.values())]
    sides = list(dict.fromkeys(groups.values()))
    return [
        "n_tokens",
        *[f"n_{name}" for name in names],
        *[f"rate_{name}" for name in names],
        *[f"ctx_{flag}" for flag in FLAGS],
        *[f"ctx_{flag}_{side}" for flag in FLAGS for side in sides],
        *[f"uncounted_{side}" for side in sides],
    ]


def doc_profile_row(doc: Doc, groups: dict[str, str]) -> dict[str, float]:
    """The numeric profile of one ``Doc``: counts, rates and context-flag counts."""
    profile = doc._.isic_profile
    n_tokens = profile["n_tokens"]
    row: dict[str, float] = {"n_tokens": n_tokens}
    names = [*groups, *dict.fromkeys(groups.values())]
    for name in names:
        row[f"n_{name}"] = profile["counts"].get(name, 0)
    for name in names:
        row[f"rate_{name}"] = row[f"n_{name}"] / n_tokens * 10_000 if n_tokens else 0.0
    sides = list(dict.fromkeys(groups.values()))
    for flag in FLAGS:
        row[f"ctx_{flag}"] = 0
        for side in sides:
            row[f"ctx_{flag}_{side}"] = 0
    for side in sides:
        row[f"uncounted_{side}"] = 0
    for span in doc.spans.get(SPANS_KEY, ()):
        side = groups.get(span.label_)
        flags = list(span._.isic_context or ())
        if span._.isic_false_friend:
            flags.append("false_friend")
        for flag in flags:
            row[f"ctx_{flag}"] += 1
            if side is not None:
                row[f"ctx_{flag}_{side}"] += 1
        if side is not None and not span._.isic_counted:
            row[f"uncounted_{side}"] += 1
    return row


def profile_table(texts: Iterable[str], nlp: Language, *, batch_size: int = 64) -> pd.DataFrame:
    """One row per text: ``text`` and the numeric profile columns, for the model's X."""
    texts = list(texts)
    groups = label_groups(nlp)
    columns = profile_columns(groups)
    rows = [doc_profile_row(doc, groups) for doc in nlp.pipe(texts, batch_size=batch_size)]
    table = pd.DataFrame(rows, columns=columns, dtype=float).fillna(0.0)
    table.insert(0, "text", texts)
    return table


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
