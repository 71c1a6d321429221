"""Samples for hand-labelling: draw them reproducibly, write a sheet to fill in, read the labels back.

A measured trend needs a check against human judgement: a researcher labels a
random sample of the analysed units following ``ANNOTATION.md``, and the
report compares (``report --labels``). Three steps:

* :func:`draw_sample` — a **stratified random sample** (``strategy="stratified"``):
  equal allocation of ``n`` over the strata of ``by`` (e.g. a period column),
  a stratum with fewer units than its share gives all of them and the rest is
  reallocated to the others; each drawn unit gets its ``stratum``, the
  stratum's size ``N_h`` and sample size ``n_h``, its ``inclusion_probability``
  ``n_h / N_h`` and ``weight`` ``N_h / n_h`` (so weighted shares estimate the
  whole table). Or the **most uncertain** units (``strategy="uncertain"``:
  highest entropy of the classifier's ``p_<frame>``), for active learning:
  not a probability sample, so its weights are NaN. Same ``seed``, same units:
  units are sorted by ``id`` before drawing, whatever the input order.
* :func:`write_sample` — ``sample.csv`` and ``sample.xlsx`` side by side, in
  a random order: the text, the metadata a labeller needs, and empty label
  columns: ``frame`` (``individual``, ``collective``, ``mixed``, ``none``),
  ``labour_relations`` and one column per ISIC mode (``yes``/``no``; blank
  means no), ``note``. The ``.xlsx`` has drop-down lists for those values,
  wrapped text, a frozen header and a ``guideline`` sheet with the label
  definitions. The CSV is UTF-8 **with** a byte-order mark: without it Excel
  decodes UTF-8 as the ANSI code page and garbles every accent of a French
  text; with it, Excel, LibreOffice, pandas (``utf-8-sig``) and the project's
  readers all read it right. (French-locale Excel still expects ``;``: open
  the ``.xlsx`` in Excel; the CSV is for scripts and other tools.)
* :func:`read_labels_sheet` — the filled ``.csv`` (``,``/``;``/tab, UTF-8 or
  cp1252, as Excel may save it) or ``.xlsx`` back into one row per labelled
  unit: ``id``, ``frame``, ``labour_relations``, ``modes``, one
  ``mode_<mode>`` column each, ``note``, ``stratum``, ``weight``. A row with
  no label at all is *not labelled* (counted, not an error); a row with a bad
  value, labels but no frame, no id or a repeated id is an
  :class:`~isic_nlp.corpus.readers.InputProblem` (E703–E705) with the file
  and the row, and is left out.

Example:
    >>> units = pd.DataFrame({"id": [f"u{i}" for i in range(10)], "text": ["..."] * 10,
    ...                       "period": ["1990s"] * 8 + ["2000s"] * 2})
    >>> sample = draw_sample(units, 4, by="period", seed=1)
    >>> sample[["stratum", "stratum_n", "stratum_size", "weight"]].drop_duplicates().values.tolist()
    [['1990s', 2, 8, 4.0], ['2000s', 2, 2, 1.0]]
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..classify.labels import FRAMES, MODES
from ..corpus.readers import InputProblem
from ..corpus.units import check_unit
from ..errors import Errors, IsicError
from ..output import write_atomic

__all__ = [
    "LABEL_COLUMNS",
    "STRATEGIES",
    "LabelSheet",
    "draw_sample",
    "read_labels_sheet",
    "write_sample",
]

STRATEGIES = ("stratified", "uncertain")
YES_NO = ("yes", "no")
MODE_COLUMNS = tuple(MODES)
#: The columns a labeller fills in, in sheet order.
LABEL_COLUMNS = ("frame", "labour_relations", *MODE_COLUMNS, "note")
#: Metadata shown to the labeller when the units have it (predictions are not shown: no anchoring).
CONTEXT_COLUMNS = ("doc_id", "title", "date", "year", "doc_type", "collection", "unit_type", "unit_label")
SAMPLE_COLUMNS = ("stratum", "stratum_size", "stratum_n", "inclusion_probability", "weight")
NO_VALUE = "(no value)"
ALL = "(all)"
# Values read as yes / no (Excel may turn yes/no into TRUE/FALSE, a CSV into 1/0).
_YES = {"yes", "y", "oui", "o", "true", "1", "x", "vrai"}
_NO = {"no", "n", "non", "false", "0", "faux"}
XLSX_CELL_LIMIT = 32_767  # Excel's limit on the characters of one cell
_TRUNCATED = " […] (truncated here: Excel cells hold at most 32,767 characters; the full text is in the .csv)"


# --------------------------------------------------------------------------- drawing


def _allocate(sizes: dict[str, int], n: int, rng: np.random.Generator) -> dict[str, int]:
    """Equal allocation of ``n`` over strata, capped by their sizes, the remainder reallocated."""
    alloc = {h: 0 for h in sizes}
    open_strata = sorted(h for h in sizes if sizes[h] > 0)
    left = min(n, sum(sizes.values()))
    while left > 0 and open_strata:
        share, extra = divmod(left, len(open_strata))
        # the `extra` units that do not divide evenly go to strata chosen at random (seeded)
        lucky = set(rng.permutation(open_strata)[:extra].tolist()) if extra else set()
        for h in open_strata:
            alloc[h] += share + (h in lucky)
        over = {h: alloc[h] - sizes[h] for h in open_strata if alloc[h] > sizes[h]}
        for h, surplus in over.items():
            alloc[h] = sizes[h]
        left = sum(over.values())
        open_strata = [h for h in open_strata if alloc[h] < sizes[h]]
    return alloc


def _entropy(units: pd.DataFrame) -> pd.Series:
    columns = [f"p_{f}" for f in FRAMES if f"p_{f}" in units.columns]
    if not columns:
        raise IsicError(Errors.E701.format(
            reason="strategy 'uncertain' needs the classifier's probabilities (p_individual, p_collective, ...): "
            "classify the units first (isic_nlp.classify.classify), or use strategy 'stratified'"))
    p = units[columns].astype(float).clip(lower=0).fillna(0).to_numpy()
    total = p.sum(axis=1, keepdims=True)
    p = np.divide(p, total, out=np.zeros_like(p), where=total > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        h = -np.where(p > 0, p * np.log(p), 0.0).sum(axis=1)
    return pd.Series(h, index=units.index)


def draw_sample(
    units: pd.DataFrame,
    n: int,
    by: str | None = None,
    seed: int = 0,
    strategy: str = "stratified",
) -> pd.DataFrame:
    """Draw ``n`` units for hand-labelling (see the module's description).

    Args:
        units: one row per unit, with ``id``, ``text`` and any metadata.
        n: how many units in all (fewer if the table has fewer).
        by: the column whose values are the strata (missing values are one
            stratum, ``(no value)``); ``None``: one stratum.
        seed: random seed; the same seed on the same units gives the same sample.
        strategy: ``stratified`` (random, with weights) or ``uncertain``
            (highest predictive entropy in each stratum, ties broken at random).

    Returns:
        The drawn rows with ``stratum``, ``stratum_size``, ``stratum_n``,
        ``inclusion_probability``, ``weight`` (and ``entropy`` for
        ``uncertain``), in stratum order then id order.
    """
    if strategy not in STRATEGIES:
        raise IsicError(Errors.E407.format(option="--strategy", known=", ".join(STRATEGIES), value=strategy))
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 1:
        raise IsicError(Errors.E006.format(option="--n", expected="a whole number, 1 or more", value=n))
    for column in ("id", "text"):
        if column not in units.columns:
            raise IsicError(Errors.E601.format(field=column, known=", ".join(map(str, units.columns))))
    if by is not None and by not in units.columns:
        raise IsicError(Errors.E601.format(field=by, known=", ".join(map(str, units.columns))))
    if units["id"].duplicated().any():
        dup = units.loc[units["id"].duplicated(), "id"].iloc[0]
        raise IsicError(Errors.E701.format(reason=f"the id {dup!r} is on several units; ids must be unique"))
    if not len(units):
        raise IsicError(Errors.E701.format(reason="there is no unit to draw from"))
    rng = np.random.default_rng(seed)
    table = units.assign(_key=units["id"].astype(str)).sort_values("_key", kind="stable")
    strata = table[by].astype("string").fillna(NO_VALUE).astype(str) if by is not None else pd.Series(ALL, index=table.index)
    table = table.assign(stratum=strata.to_numpy())
    if strategy == "uncertain":
        table["entropy"] = _entropy(table)
    sizes = table.groupby("stratum", sort=True).size().to_dict()
    alloc = _allocate(sizes, int(n), rng)
    parts = []
    for stratum in sorted(sizes):
        group = table[table["stratum"] == stratum]
        take = alloc[stratum]
        if take == 0:
            continue
        order = rng.permutation(len(group))
        if strategy == "stratified":
            chosen = group.iloc[np.sort(order[:take])]
        else:  # most uncertain first; the random order breaks ties
            ranked = group.assign(_tie=np.argsort(order)).sort_values(["entropy", "_tie"], ascending=[False, True], kind="stable")
            chosen = ranked.iloc[:take].drop(columns="_tie").sort_values("_key", kind="stable")
        size = len(group)
        chosen = chosen.assign(stratum_size=size, stratum_n=take)
        if strategy == "stratified":
            chosen = chosen.assign(inclusion_probability=take / size, weight=size / take)
        else:
            chosen = chosen.assign(inclusion_probability=math.nan, weight=math.nan)
        parts.append(chosen)
    sample = pd.concat(parts).drop(columns="_key").reset_index(drop=True)
    front = ["id", *SAMPLE_COLUMNS]
    return sample[[*front, *[c for c in sample.columns if c not in front]]]


# --------------------------------------------------------------------------- writing


def _sheet_table(sample: pd.DataFrame, seed: int) -> pd.DataFrame:
    """The columns a labeller sees, rows in random order (seeded), label columns empty.

    Model probabilities and any labels the units already carry are left out, so
    that nothing anchors the labeller's judgement.
    """
    order = np.random.default_rng(seed).permutation(len(sample))
    rows = sample.iloc[order].reset_index(drop=True)
    context = [c for c in CONTEXT_COLUMNS if c in rows.columns and c != "id"]
    table = pd.DataFrame({"row": range(1, len(rows) + 1), "id": rows["id"].astype(str)})
    for column in context:
        table[column] = rows[column].to_numpy()
    table["text"] = rows["text"].to_numpy()
    for column in LABEL_COLUMNS:
        table[column] = ""  # always blank: labels already in the inputs (a gold 'frame') are not shown
    for column in SAMPLE_COLUMNS:
        table[column] = rows[column].to_numpy() if column in rows.columns else math.nan
    return table


def write_sample(sample: pd.DataFrame, path: str | Path, *, seed: int = 0) -> dict[str, Path]:
    """Write ``<path>.csv`` and ``<path>.xlsx`` (same stem) for hand-labelling; their paths by suffix.

    Each file is written atomically. Rows come in a random order (``seed``) so
    that a labeller does not read them period by period.
    """
    path = Path(path)
    base = path.with_suffix("") if path.suffix.lower() in (".csv", ".xlsx") else path
    table = _sheet_table(sample, seed)
    csv_path = base.with_name(base.name + ".csv")
    xlsx_path = base.with_name(base.name + ".xlsx")
    content = table.to_csv(index=False, lineterminator="\r\n")
    written = {".csv": write_atomic(csv_path, "\ufeff".encode() + content.encode("utf-8"))}
    written[".xlsx"] = write_atomic(xlsx_path, writer=lambda tmp: _write_xlsx(table, tmp))
    return written


def _guideline_rows() -> list[tuple[str, str]]:
    """Short quotations of ANNOTATION.md: the labels and when to use them."""
    return [
        ("How to fill in", "One row per unit. Choose the frame in the drop-down list; answer yes/no for labour_relations "
         "and for each ISIC mode (blank means no); write anything worth saying in 'note'. Leave a row entirely blank "
         "if you do not label it. Do not change 'id'. Source: ANNOTATION.md (annotation guideline of isic_nlp)."),
        ("Question", "Whom does the text address, and as what? The unit of the social intervention is either the "
         "individual person or a collective."),
        ("frame = individual", "The main subject is one person's rights, obligations, entitlements, procedures or "
         "individualised support (droit à, libre choix, consentement; obligations du bénéficiaire; an individual benefit; "
         "demande, décision notifiée à l'intéressé, recours; projet personnalisé, accompagnement individualisé)."),
        ("frame = collective", "The main subject is a group, a community, the inhabitants of a territory, or a collective "
         "body, and their participation, mutual aid, collective action, representation, partnership or territorial "
         "development (conseil de la vie sociale, action collective, développement social local, diagnostic partagé...). "
         "Collective labour relations (négociation collective, accords, syndicats, représentants du personnel) are "
         "collective too, with labour_relations = yes."),
        ("frame = mixed", "Both framings carry real weight in the unit (e.g. an individual right and a collective "
         "participation body)."),
        ("frame = none", "Neither: technical, financial, institutional or procedural text with no person or collective "
         "as the addressed unit. A mere mention of 'la personne' in a technical rule is none."),
        ("Decide on meaning", "'collectif' in licenciement collectif or contrat d'assurance collectif is not "
         "collective-action framing; 'droit' in droit applicable is not a right of the person. Procedures addressed to "
         "an enterprise, an employer, a professional or an operator are none."),
        ("labour_relations", "yes when the unit is about collective bargaining, unions, staff representatives or works "
         "councils (reported apart from collective social intervention)."),
        ("communautaire", "Community social work: a community mobilises, with professionals, to act on its own "
         "collective problems; community health."),
        ("groupes", "Social work with groups: a stable group of people sharing a problem meets regularly with "
         "professionals, for mutual aid and change (groupe de parole, groupe d'entraide)."),
        ("dsl", "Local social development: a collective, territorial process that builds solutions with the people "
         "concerned and the institutions of a territory (diagnostic partagé, projet de territoire)."),
        ("collectives", "Other collective actions with a collective-transformation aim (actions collectives, "
         "initiatives d'habitants, ateliers collectifs, centres sociaux)."),
        ("Modes", "A mode is given when the unit describes or organises that kind of action, not when it merely names "
         "the term in a list."),
        ("weight", "Not to be filled: N_h / n_h, how many units of its stratum each sampled unit stands for."),
    ]


def _write_xlsx(table: pd.DataFrame, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = "labels"
    columns = list(table.columns)
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for values in table.itertuples(index=False):
        sheet.append([_cell_value(v) for v in values])
    text_col = columns.index("text") + 1
    for (cell,) in sheet.iter_rows(min_row=2, min_col=text_col, max_col=text_col):
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"  # a text, never a formula
    widths = {"text": 90, "note": 30, "title": 30, "id": 24, "frame": 13}
    for index, name in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = widths.get(name, 14)
    sheet.freeze_panes = sheet.cell(row=2, column=columns.index("id") + 2)  # header and row/id columns stay
    last = max(len(table) + 1, 2)
    validations = [("frame", FRAMES), ("labour_relations", YES_NO), *[(m, YES_NO) for m in MODE_COLUMNS]]
    for name, choices in validations:
        rule = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True,
                              showErrorMessage=True, errorTitle=name,
                              error=f"{name} must be one of: {', '.join(choices)} (or blank)")
        letter = get_column_letter(columns.index(name) + 1)
        rule.add(f"{letter}2:{letter}{last}")
        sheet.add_data_validation(rule)
    guide = book.create_sheet("guideline")
    guide.append(["label", "definition (quoted from ANNOTATION.md, abridged)"])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for row in _guideline_rows():
        guide.append(list(row))
    guide.column_dimensions["A"].width = 22
    guide.column_dimensions["B"].width = 120
    for (cell,) in guide.iter_rows(min_row=2, min_col=2, max_col=2):
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    book.save(path)


def _cell_value(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    if isinstance(value, (list, dict)):
        return str(value)
    if isinstance(value, str) and len(value) > XLSX_CELL_LIMIT:
        return value[: XLSX_CELL_LIMIT - len(_TRUNCATED)] + _TRUNCATED
    if not isinstance(value, str) and pd.isna(value):
        return None
    return value


# --------------------------------------------------------------------------- reading back


@dataclass
class LabelSheet:
    """The labels read from a filled sheet.

    Attributes:
        labels: one row per labelled unit: ``id``, ``frame``, ``labour_relations``
            (bool), ``modes`` (list), ``mode_<mode>`` (bool), ``note``,
            ``stratum``, ``weight``, ``text`` (when the sheet has them) and ``row``.
        problems: every row that could not be used (file, row, id, code, reason).
        n_rows: data rows in the sheet; ``n_blank``: rows left blank (not labelled).
    """

    labels: pd.DataFrame
    problems: list[InputProblem] = field(default_factory=list)
    n_rows: int = 0
    n_blank: int = 0

    @property
    def n_labelled(self) -> int:
        return len(self.labels)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _yes_no(value: Any) -> bool | None:
    if _blank(value):
        return False
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    return None


def _read_rows(path: Path) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    """Header and ``(row number, values)``: spreadsheet rows for .xlsx, first physical line for .csv."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".xlsx":
            from openpyxl import load_workbook

            book = load_workbook(path, read_only=True, data_only=True)
            sheet = book["labels"] if "labels" in book.sheetnames else book.worksheets[0]
            rows = list(sheet.iter_rows(values_only=True))
            book.close()
            if not rows:
                return [], []
            header = [_text(c) if c is not None else "" for c in rows[0]]
            return header, [(number, list(values)) for number, values in enumerate(rows[1:], start=2)]
        if suffix in (".csv", ".tsv", ".txt"):
            raw = path.read_bytes()
            try:
                content = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                content = raw.decode("cp1252", errors="replace")  # as Excel saves "CSV" in Western Europe
            first = content.split("\n", 1)[0]
            delimiter = max(("\t", ";", ","), key=first.count) if suffix != ".tsv" else "\t"
            reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
            header = next(reader, [])
            out = []
            while True:
                line = reader.line_num + 1
                try:
                    values = next(reader)
                except StopIteration:
                    break
                out.append((line, values))
            return [h.strip() for h in header], out
    except Exception as err:  # a damaged or foreign file: one coded error, no traceback
        raise IsicError(Errors.E707.format(path=path, reason=f"{type(err).__name__}: {err}")) from err
    raise IsicError(Errors.E707.format(path=path, reason=f"unknown extension '{path.suffix}'; give the .csv or .xlsx"))


def read_labels_sheet(path: str | Path) -> LabelSheet:
    """Read a filled sheet written by :func:`write_sample` (``.csv`` or ``.xlsx``).

    Raises:
        IsicError: E001 for a missing file, E707 for an unreadable one, E702
            when the sheet lacks the ``id`` or ``frame`` column.
    """
    path = Path(path)
    if not path.exists():
        raise IsicError(Errors.E001.format(path=path))
    header, rows = _read_rows(path)
    for column in ("id", "frame"):
        if column not in header:
            raise IsicError(Errors.E702.format(path=path, column=column, columns=", ".join(h for h in header if h) or "none"))
    at = {name: header.index(name) for name in header if name}
    file = str(path)
    problems: list[InputProblem] = []
    labels: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    n_blank = 0

    def get(values: list[Any], name: str) -> Any:
        i = at.get(name)
        return values[i] if i is not None and i < len(values) else None

    for number, values in rows:
        if all(_blank(v) for v in values):
            continue  # an empty line at the end of a sheet is not a row
        given = {name: get(values, name) for name in LABEL_COLUMNS}
        if all(_blank(given[name]) for name in LABEL_COLUMNS if name != "note"):
            n_blank += 1
            continue
        rid = None if _blank(get(values, "id")) else _text(get(values, "id"))
        if rid is None:
            problems.append(InputProblem.from_code(file, number, None, "E704"))
            continue
        frame = None if _blank(given["frame"]) else _text(given["frame"]).lower()
        if frame is None:
            filled = [name for name in LABEL_COLUMNS if name not in ("frame", "note") and not _blank(given[name])]
            problems.append(InputProblem.from_code(file, number, rid, "E706", columns=", ".join(filled)))
            continue
        if frame not in FRAMES:
            problems.append(InputProblem.from_code(file, number, rid, "E703", column="frame", value=given["frame"],
                                                   known=", ".join(FRAMES)))
            continue
        flags: dict[str, bool] = {}
        bad = None
        for name in ("labour_relations", *MODE_COLUMNS):
            answer = _yes_no(given[name])
            if answer is None:
                bad = name
                break
            flags[name] = answer
        if bad is not None:
            problems.append(InputProblem.from_code(file, number, rid, "E703", column=bad, value=given[bad],
                                                   known="yes, no (or blank for no)"))
            continue
        if rid in seen:
            problems.append(InputProblem.from_code(file, number, rid, "E705", id=rid, first=seen[rid]))
            continue
        seen[rid] = number
        weight = get(values, "weight")
        try:
            weight = float(weight) if not _blank(weight) else math.nan
        except (TypeError, ValueError):
            weight = math.nan
        row = {
            "id": rid,
            "frame": frame,
            "labour_relations": flags["labour_relations"],
            "modes": [m for m in MODE_COLUMNS if flags[m]],
            **{f"mode_{m}": flags[m] for m in MODE_COLUMNS},
            "note": None if _blank(given["note"]) else str(given["note"]).strip(),
            "stratum": None if _blank(get(values, "stratum")) else _text(get(values, "stratum")),
            "weight": weight,
            "row": number,
        }
        text = get(values, "text")
        if not _blank(text):
            row["text"] = str(text)
        labels.append(row)
    columns = ["id", "frame", "labour_relations", "modes", *[f"mode_{m}" for m in MODE_COLUMNS], "note", "stratum",
               "weight", "row", "text"]
    table = pd.DataFrame(labels, columns=columns)
    if table["text"].isna().all():
        table = table.drop(columns="text")
    n_rows = n_blank + len(labels) + len(problems)
    return LabelSheet(table, problems, n_rows=n_rows, n_blank=n_blank)


# --------------------------------------------------------------------------- the units of a corpus


def sample_units(
    source: Any,
    *,
    unit: str = "document",
    pipeline: str = "fast",
    strategy: str = "stratified",
    model: str | Path | None = None,
    text_field: str = "text",
    id_field: str = "id",
) -> tuple[pd.DataFrame, list[InputProblem]]:
    """The units of a corpus as ``isic_nlp.analyse`` cuts them, each with its ``text``.

    Runs :func:`isic_nlp.analyse` once (ids, metadata, counts and text of every
    unit at the ``unit`` level); with ``strategy="uncertain"`` the shipped (or
    ``model``) classifier reads that same analysis and adds its ``p_<frame>``
    (so the analysis uses the model's pipeline). Returns the units and the
    input problems (records that could not be used, warnings). ``text_field`` and
    ``id_field`` name the text and id fields of the corpus, as in ``analyse``.
    """
    from ..analysis import analyse
    from ..classify.api import load_for_use, result_problems

    check_unit(unit)
    if strategy not in STRATEGIES:
        raise IsicError(Errors.E407.format(option="--strategy", known=", ".join(STRATEGIES), value=strategy))
    clf = load_for_use(model) if strategy == "uncertain" else None
    if clf is not None:
        result = analyse(source, nlp=clf.language(), unit=unit, texts=True, text_field=text_field, id_field=id_field)
    else:
        result = analyse(source, pipeline=pipeline, unit=unit, texts=True, text_field=text_field, id_field=id_field)
    units = result.documents.copy()
    units.insert(1, "text", result.texts["text"].to_numpy())
    if clf is not None:
        probabilities = clf.predict_proba(result)[["id", *[f"p_{f}" for f in FRAMES]]]
        units = units.merge(probabilities, on="id", how="left")
    return units, result_problems(result)


def add_period(units: pd.DataFrame, years: int = 10, date_field: str | None = None, column: str = "period") -> pd.DataFrame:
    """A copy of ``units`` with ``column`` = the period of ``years`` years of each unit's date (``(no date)`` if none).

    Example:
        >>> add_period(pd.DataFrame({"date": ["1985-12-17", None, "2008-05-01"]}), 10)["period"].tolist()
        ['1980–1989', '(no date)', '2000–2009']
    """
    from .dates import choose_date_field, period_labels, unit_years

    if years < 1:
        raise IsicError(Errors.E006.format(option="--period-years", expected="1 or more", value=years))
    field_name = choose_date_field(units, date_field)
    found = unit_years(units[field_name])
    labels = pd.Series("(no date)", index=units.index, dtype=object)
    dated = found.notna()
    if dated.any():
        labels[dated] = period_labels(found[dated].astype(int), years).astype(str).to_numpy()
    return units.assign(**{column: labels.to_numpy()})
