"""Codification waves: flag the units a (re)codification created, then exclude them or show them apart.

A codification re-enacts existing law under new numbers, and LEGI dates the
articles it created by its signature: the Code de la sécurité sociale "appears"
in 1985, the Code du travail is "re-created" in 2007–2008. Such dates are not
the dates the rules were made, and they make artificial peaks in a trend.

:func:`flag_codification` adds to a units table:

* ``creating_text_key``: the creating text of each unit as ``"<NATURE> <number>"``
  (:func:`isic_nlp.corpus.versions.text_key`, the same for every form of its title),
  else ``unknown@<code>@<date>`` for a unit whose creating text is unknown (all
  the changes of undetermined origin of one code on one day are one group);
* ``codification``: ``"listed"`` when that text is in the shipped list
  ``reports/codification.yaml`` (:func:`load_codification_list`; matched on the
  key, on the JORF id, or, for units without a creating text, on a listed
  code and entry-into-force date), ``"detected"`` when it is not listed but
  created more than ``threshold`` documents of the table at once, else ``""``;
* ``codification_text``: the listed text's id, or the detected key.

:func:`apply_codification` then keeps the table as it is (``include``), drops
the flagged units (``exclude``), or keeps them with a ``codification_group``
column (``codification`` / ``other``) for a separate series (``separate``).
:func:`codification_summary` counts the units of each flagged text.

Example:
    >>> import pandas as pd
    >>> units = pd.DataFrame({
    ...     "id": ["a", "b", "c", "d"], "date": ["1985-12-17", "2010-01-01", "2010-01-01", "2010-02-02"],
    ...     "creating_text": [{"title": "Décret 85-1353 1985-12-17", "nature": "DECRET"},
    ...                       {"title": "Loi n°2010-1 du 1er janvier 2010"}, {"title": "LOI n°2010-1 du 1er janvier 2010 - art. 2"},
    ...                       {"title": "Décret n°2010-9 du 2 février 2010"}]})
    >>> flag_codification(units, threshold=1)[["id", "creating_text_key", "codification"]].values.tolist()
    [['a', 'DECRET 85-1353', 'listed'], ['b', 'LOI 2010-1', 'detected'], ['c', 'LOI 2010-1', 'detected'], ['d', 'DECRET 2010-9', '']]
    >>> len(apply_codification(flag_codification(units), "exclude"))
    3
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from ..corpus.versions import text_key
from ..errors import Errors, IsicError

__all__ = [
    "CODIFICATION_MODES",
    "DEFAULT_THRESHOLD",
    "CodificationText",
    "apply_codification",
    "codification_note",
    "codification_summary",
    "flag_codification",
    "load_codification_list",
]

CODIFICATION_MODES = ("include", "exclude", "separate")
#: A text that created more than this many documents of a table at once is flagged as "detected".
#: In the shared LEGI codes the largest texts that are not codifications create 83-136 articles
#: (loi 2016-1088, ordonnance 2017-1386); codifications create 200 to 2,229.
DEFAULT_THRESHOLD = 200
LIST_NAME = "codification.yaml"
_TEXT_FIELDS = ("id", "key", "title", "date", "code", "kind", "codified", "source", "verified")


@dataclass(frozen=True)
class CodificationText:
    """One text of the codification list (see the header of ``reports/codification.yaml``)."""

    id: str
    key: str
    title: str
    date: str
    code: str
    kind: str
    codified: str
    source: str
    verified: bool
    jorf: tuple[str, ...] = ()
    in_force: tuple[tuple[str, str], ...] = ()


def load_codification_list(path: str | Path | None = None) -> list[CodificationText]:
    """The texts of a codification list: the shipped ``reports/codification.yaml`` by default.

    Raises:
        IsicError: E408 listing every problem of the file (missing fields, bad dates, duplicate ids).
    """
    if path is None:
        from ..shipped import data_file

        path = data_file("reports", LIST_NAME)
    path = Path(path)
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as err:
        raise IsicError(Errors.E408.format(file=path, problems=str(err))) from err
    texts = content.get("texts") if isinstance(content, dict) else None
    if not isinstance(texts, list):
        raise IsicError(Errors.E408.format(file=path, problems="no 'texts' list at the top level"))
    problems: list[str] = []
    out: list[CodificationText] = []
    seen: set[str] = set()
    for index, entry in enumerate(texts, start=1):
        where = f"text {index}"
        if not isinstance(entry, dict):
            problems.append(f"{where} is not a mapping")
            continue
        missing = [name for name in _TEXT_FIELDS if name not in entry or entry[name] in (None, "")]
        if missing:
            problems.append(f"{where} ({entry.get('id', '?')}) lacks {', '.join(missing)}")
            continue
        date = str(entry["date"])
        if not _is_day(date):
            problems.append(f"{where} ({entry['id']}): date {date!r} is not yyyy-mm-dd")
        if text_key(entry["key"]) != entry["key"]:
            problems.append(f"{where} ({entry['id']}): key {entry['key']!r} is not of the form '<NATURE> <number>'")
        if entry["id"] in seen:
            problems.append(f"{where}: duplicate id {entry['id']!r}")
        seen.add(entry["id"])
        in_force = []
        for item in entry.get("in_force") or []:
            if not (isinstance(item, dict) and item.get("code") and _is_day(str(item.get("date")))):
                problems.append(f"{where} ({entry['id']}): in_force entries need a code and a yyyy-mm-dd date")
                continue
            in_force.append((str(item["code"]), str(item["date"])))
        out.append(CodificationText(
            id=str(entry["id"]), key=str(entry["key"]), title=str(entry["title"]), date=date, code=str(entry["code"]),
            kind=str(entry["kind"]), codified=str(entry["codified"]).strip(), source=str(entry["source"]).strip(),
            verified=bool(entry["verified"]), jorf=tuple(entry.get("jorf") or ()), in_force=tuple(in_force),
        ))
    if problems:
        raise IsicError(Errors.E408.format(file=path, problems="; ".join(problems)))
    return out


def _is_day(value: str) -> bool:
    try:
        pd.Timestamp(value)
    except ValueError:
        return False
    return len(value) == 10 and value[4] == "-" and value[7] == "-"


# --------------------------------------------------------------------------- keys


def _as_dict(value: Any) -> dict[str, Any] | None:
    """A creating text as a dict: dicts as they are, JSON text (``analyse`` flattens dicts), or a bare title."""
    if isinstance(value, dict):
        return value
    if isinstance(value, str) and value.strip():
        text = value.strip()
        if text.startswith("{"):
            try:
                parsed = json.loads(text)
            except ValueError:
                return {"title": text}
            return parsed if isinstance(parsed, dict) else None
        return {"title": text}
    return None


def _code_of(units: pd.DataFrame) -> pd.Series:
    for column in ("code_title", "code", "collection"):
        if column in units.columns:
            return units[column].astype("string").fillna("")
    return pd.Series("", index=units.index, dtype="string")


def _keys(units: pd.DataFrame, by: str, date_field: str) -> tuple[pd.Series, pd.Series]:
    """``(key, JORF id)`` of each unit's creating text."""
    dates = units[date_field].astype("string").str.slice(0, 10) if date_field in units.columns else pd.Series(pd.NA, index=units.index)
    codes = _code_of(units)
    keys, cids = [], []
    nature_column = units["creating_text_nature"] if "creating_text_nature" in units.columns else None
    for index, value in units[by].items():
        key = cid = None
        if by == "text_key":
            key = value if isinstance(value, str) and value else None
        else:
            text = _as_dict(value)
            if text:
                nature = text.get("nature") or (nature_column[index] if nature_column is not None else None)
                key = text_key(text.get("title"), nature)
                cid = text.get("text_cid")
                if key is None and cid:
                    key = str(cid)
        if key is None:
            day = dates[index]
            key = f"unknown@{codes[index]}@{day if isinstance(day, str) else '?'}"
        keys.append(key)
        cids.append(cid)
    return pd.Series(keys, index=units.index, dtype=object), pd.Series(cids, index=units.index, dtype=object)


# --------------------------------------------------------------------------- flag, apply, summarise


def flag_codification(
    units: pd.DataFrame,
    by: str | None = None,
    threshold: int | None = DEFAULT_THRESHOLD,
    *,
    listed: list[CodificationText] | None = None,
    date_field: str = "date",
) -> pd.DataFrame:
    """A copy of ``units`` with ``creating_text_key``, ``codification`` and ``codification_text``.

    Args:
        units: one row per unit, with a creating-text field.
        by: the creating-text field: ``creating_text`` (a dict with ``title``,
            ``nature``, ``text_cid``; its JSON text; or a title) or ``text_key``
            (keys already made, as the versions reader gives them). Default:
            ``text_key`` if the table has it, else ``creating_text``.
        threshold: a text not listed that created more than this many documents
            (distinct ``doc_id``, else rows) is ``detected``; ``None``: no detection.
        listed: the codification list (default: the shipped one).
        date_field: the date of units without a creating text (their group is
            ``unknown@<code>@<date>``).
    """
    if by is None:
        by = "text_key" if "text_key" in units.columns else "creating_text"
    if by not in units.columns:
        raise IsicError(Errors.E601.format(field=by, known=", ".join(map(str, units.columns))))
    if threshold is not None and threshold < 1:
        raise IsicError(Errors.E006.format(option="--codification-threshold", expected="1 or more", value=threshold))
    texts = load_codification_list() if listed is None else listed
    out = units.copy()
    keys, cids = _keys(out, by, date_field)
    by_key = {t.key: t.id for t in texts}
    by_cid = {cid: t.id for t in texts for cid in t.jorf}
    by_day = {f"unknown@{code}@{day}": t.id for t in texts for code, day in t.in_force}
    matched = [by_key.get(k) or by_cid.get(c) or by_day.get(k) for k, c in zip(keys, cids)]
    out["creating_text_key"] = keys.to_numpy()
    out["codification_text"] = [m or "" for m in matched]
    out["codification"] = ["listed" if m else "" for m in matched]
    if threshold is not None and len(out):
        docs = out["doc_id"] if "doc_id" in out.columns else out["id"] if "id" in out.columns else pd.Series(out.index, index=out.index)
        sizes = pd.DataFrame({"key": keys, "doc": docs}).groupby("key")["doc"].nunique()
        big = set(sizes[sizes > threshold].index)
        detected = keys.isin(big).to_numpy() & (out["codification"] == "").to_numpy()
        out.loc[detected, "codification"] = "detected"
        out.loc[detected, "codification_text"] = keys[detected].to_numpy()
    return out


def apply_codification(units: pd.DataFrame, mode: str = "include") -> pd.DataFrame:
    """Units after the ``--codification`` choice: ``include`` (all), ``exclude`` (flagged units dropped)
    or ``separate`` (all, with ``codification_group`` = ``codification`` or ``other``, to facet on).

    ``units`` must have gone through :func:`flag_codification`.
    """
    if mode not in CODIFICATION_MODES:
        raise IsicError(Errors.E407.format(option="--codification", known=", ".join(CODIFICATION_MODES), value=mode))
    if "codification" not in units.columns:
        raise IsicError(Errors.E601.format(field="codification", known=", ".join(map(str, units.columns))))
    flagged = units["codification"].fillna("").astype(str) != ""
    if mode == "exclude":
        return units[~flagged].copy()
    out = units.copy()
    if mode == "separate":
        out["codification_group"] = ["codification" if f else "other" for f in flagged]
    return out


def codification_summary(units: pd.DataFrame, date_field: str = "date") -> pd.DataFrame:
    """Per flagged text: ``codification``, ``codification_text``, ``n_units``, ``n_documents``, first and last date."""
    columns = ["codification", "codification_text", "n_units", "n_documents", "first_date", "last_date"]
    flagged = units[units["codification"].fillna("").astype(str) != ""]
    if not len(flagged):
        return pd.DataFrame(columns=columns)
    docs = flagged["doc_id"] if "doc_id" in flagged.columns else flagged["id"]
    dates = flagged[date_field].astype("string") if date_field in flagged.columns else pd.Series(pd.NA, index=flagged.index)
    table = (
        pd.DataFrame({"codification": flagged["codification"], "codification_text": flagged["codification_text"],
                      "doc": docs, "date": dates})
        .groupby(["codification", "codification_text"], sort=True)
        .agg(n_units=("doc", "size"), n_documents=("doc", "nunique"), first_date=("date", "min"), last_date=("date", "max"))
        .reset_index()
        .sort_values(["codification", "n_units"], ascending=[False, False], kind="stable")
    )
    return table[columns].reset_index(drop=True)


def codification_note(units: pd.DataFrame, threshold: int | None = DEFAULT_THRESHOLD) -> str:
    """One sentence for a report: how many units codification texts created, and which texts.

    ``units`` must have gone through :func:`flag_codification`.

    Example:
        >>> units = pd.DataFrame({"id": list("abcd"), "codification": ["listed", "listed", "detected", ""],
        ...                       "codification_text": ["decret-85-1353", "decret-85-1353", "DECRET 2016-781", ""]})
        >>> codification_note(units, threshold=1)
        '3 of 4 units (75%) come from codification texts: 2 from listed texts (decret-85-1353 2), 1 from texts that created more than 1 units at once (DECRET 2016-781 1). Their dates are those of the codification, not of the rules.'
    """
    summary = codification_summary(units)
    if not len(summary):
        return f"No unit of the {len(units):,} comes from a listed codification text" + (
            f" or from a text that created more than {threshold:,} units at once." if threshold else ".")
    parts = []
    for kind, words in (("listed", "listed texts"), ("detected", f"texts that created more than {threshold:,} units at once")):
        rows = summary[summary["codification"] == kind]
        if len(rows):
            names = ", ".join(f"{r.codification_text} {r.n_units:,}" for r in rows.itertuples())
            parts.append(f"{int(rows['n_units'].sum()):,} from {words} ({names})")
    total = int(summary["n_units"].sum())
    return (f"{total:,} of {len(units):,} units ({total / len(units):.0%}) come from codification texts: "
            + ", ".join(parts) + ". Their dates are those of the codification, not of the rules.")
