"""What a report is computed from: one table of units, their mentions and lemmas.

:func:`load_report_data` takes corpora (then ``analyse`` and ``classify`` run
first, at the chosen unit level) or the outputs of earlier runs (a folder
written by ``isic-nlp analyse``, a table written by ``isic-nlp classify``) and
returns a :class:`ReportData`: every count of a report is computed from its
``units`` table, and every mention behind a rate is a row of ``mentions``.

Example:
    >>> from isic_nlp.reports import load_report_data
    >>> data = load_report_data([{"id": "a", "text": "Les habitants animent un groupe de parole.", "date": "2001-05-02"}])
    >>> data.units[["id", "frame", "n_tokens"]].shape
    (1, 3)
"""

from __future__ import annotations

import difflib
import json
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..analysis import analyse
from ..classify.api import PREDICTION_COLUMNS, classify, load_for_use, prediction_table
from ..classify.labels import MODES
from ..corpus.readers import ERROR_COLUMNS, Record, Source, input_files, read_records, records_from_source
from ..errors import Errors, IsicError
from ..shipped import data_file

# Lexicon groups: individual framing, collective social intervention, collective labour
# relations (apart since framing 1.1.0: ANNOTATION.md section 4), ISIC modes.
SIDES = ("individual", "collective", "collective_labour", "isic_mode")
#: The frames a report shows: the classifier's 'collective' split into collective social intervention
#: and collective labour relations (ANNOTATION.md section 4: reported apart).
REPORT_FRAMES = ("individual", "collective_social", "collective_labour", "mixed", "none")
#: How the reports name each frame in sentences.
FRAME_NAMES = {
    "individual": "individual framing",
    "collective_social": "collective social intervention",
    "collective_labour": "collective labour relations",
    "mixed": "mixed framing",
    "none": "no framing",
}


@dataclass
class ReportData:
    """The tables a report is computed from.

    Attributes:
        units: one row per unit (document, article or alinéa): ``id``,
            ``doc_id``, metadata, ``n_tokens``, ``n_<label>`` (counted
            mentions), and, when classified, ``frame``, ``p_<frame>``,
            ``modes`` and one boolean ``mode_<mode>`` column per mode; ``input``
            names the input the unit came from.
        mentions: one row per mention (counted or not), as ``analyse`` writes them.
        lemmas: ``id, lemma, count`` per unit, or ``None`` (then no lemma keyness).
        labels: every lexicon label with its side (``individual``, ``collective``,
            ``collective_labour``, ``isic_mode``).
        errors: the input records that could not be used, and warnings.
        provenance: pipeline, model, lexicons, inputs with their hashes, unit level.
        notes: what is missing from the data, in plain sentences (also warned).
    """

    units: pd.DataFrame
    mentions: pd.DataFrame
    lemmas: pd.DataFrame | None
    labels: dict[str, str]
    errors: pd.DataFrame
    provenance: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Reports show collective social intervention and collective labour relations apart.
        if "frame" in self.units.columns:
            self.units, how = split_collective(self.units)
            self.provenance.setdefault("construct_split", how)

    @property
    def classified(self) -> bool:
        return "frame" in self.units.columns and self.units["frame"].notna().any()

    @property
    def unit_level(self) -> str:
        return self.provenance.get("unit", "document")

    def mention_key(self) -> str:
        """The mentions column that holds the id of a mention's unit at this level."""
        return {"document": "doc_id", "article": "article_id"}.get(self.unit_level, "unit_id")


def load_report_data(
    inputs: Source | list,
    *,
    unit: str = "document",
    pipeline: str | None = None,
    model: str | Path | None = None,
    progress: bool | None = None,
    text_field: str = "text",
    id_field: str = "id",
    fields: dict[str, str | None] | None = None,
    dates: bool = False,
    keyness: bool = True,
    cache: str | Path | None = None,
) -> ReportData:
    """Units, mentions and lemmas of corpora or of earlier ``analyse``/``classify`` outputs.

    Args:
        inputs: corpora (anything ``analyse`` reads: files, folders, a
            DataFrame, dicts) and/or folders written by ``isic-nlp analyse`` and
            tables written by ``isic-nlp classify`` (matched on ``id``).
        unit: ``document``, ``article`` or ``alinea``, for corpora.
        pipeline: pipeline for the mentions (default: the one the model was
            trained with, so one pass of the pipeline serves both; another
            pipeline costs a second pass for the model's features).
        model: classifier folder (default: the shipped model).
        text_field, id_field: the text and id fields of the corpora, as in ``analyse``.
        fields: the fields the report will use, by the option that names them
            (``{"--facet": "collection", "--date-field": None}``): each is looked
            for in the inputs' metadata *before* anything is analysed, and an unknown
            one is an E609 error with the closest names. ``dates``: the report needs
            dates (a trend): without ``--date-field``, a ``date`` or ``year`` field
            must be there (E609 says how to attach dates).
        keyness: the report shows lemma keyness (a comparison): lemmas are counted,
            and their absence from an ``analyse`` output is warned (W603). A trend has none.
        cache: the Doc cache folder of ``analyse`` for the corpora: after a lexicon
            edit only the records the edit can change are analysed again (same tables).
    """
    if isinstance(inputs, (str, Path)):
        items = [inputs]
    elif isinstance(inputs, list) and inputs and all(isinstance(i, (str, Path)) for i in inputs):
        items = inputs
    else:  # one in-memory corpus: a DataFrame, dicts or records
        items = [inputs]
    analysed: list[tuple[str, Any]] = []  # (input name, AnalysisResult or loaded outputs)
    classified: list[pd.DataFrame] = []
    corpora: list[Any] = []
    for item in items:
        kind = input_kind(item)
        if kind == "analysis":
            analysed.append((input_name(item), read_analysis_dir(Path(item))))
        elif kind == "classification":
            classified.append(read_table(Path(item)))
        else:
            # analyse and classify both read a corpus: an iterator must be kept for the second.
            corpora.append(item if isinstance(item, (str, Path, pd.DataFrame, list)) else list(item))
    clf = None
    if corpora:
        # Missing or empty inputs are reported before the (slower) model and pipeline load.
        paths = [c for c in corpora if isinstance(c, (str, Path))]
        if paths:
            input_files(paths)
    # A mistyped --facet or --date-field is caught now, not after the analysis and the classification.
    check_fields(corpora, [out for _, out in analysed], classified, fields or {}, dates, text_field, id_field)
    if corpora:
        clf = load_for_use(model)
        for item in corpora:
            name = input_name(item)
            if pipeline in (None, clf.pipeline):
                # One pass: the classifier reads the analysis' own tables.
                result = analyse(item, nlp=clf.language(), unit=unit, lemmas=keyness, texts=True, progress=progress,
                                 text_field=text_field, id_field=id_field, cache=cache)
                table = prediction_table(result, clf.predict(result), unit)
            else:
                # Mentions from another pipeline than the model's: the model needs its own features.
                result = analyse(item, pipeline=pipeline, unit=unit, lemmas=keyness, progress=progress,
                                 text_field=text_field, id_field=id_field, cache=cache)
                # Its problems are those analyse reports.
                table, _ = classify(item, clf=clf, unit=unit, text_field=text_field, id_field=id_field)
            analysed.append((name, _Outputs.from_result(result, table)))
    if not analysed:
        raise IsicError(Errors.E007.format(path=", ".join(map(str, items)), reason="a classify table alone has no tokens or mentions; give the corpus or the analyse outputs with it"))
    data = _combine(analysed, classified, clf, keyness)
    if any(_is_demo(item) for item in items):
        data.provenance["demo"] = True  # the reports then say first that their figures are not findings
    return data


#: Said first in every report on the shipped demo corpus (``isic-nlp demo``, or ``trend("corpora/demo.jsonl.gz")``).
DEMO_NOTICE = ("This is the demo corpus: a small sample drawn to try the tool (stratified by collection and period, "
               "oversampling collective vocabulary; see corpora/README.md). Its figures are not findings.")


def _is_demo(item: Any) -> bool:
    if not isinstance(item, (str, Path)):
        return False
    try:
        return Path(item).resolve() == data_file("corpora", "demo.jsonl.gz").resolve()
    except OSError:
        return False


@dataclass
class _Outputs:
    documents: pd.DataFrame
    mentions: pd.DataFrame
    errors: pd.DataFrame
    manifest: dict
    lemmas: pd.DataFrame | None
    classification: pd.DataFrame | None = None

    @classmethod
    def from_result(cls, result, classification: pd.DataFrame | None) -> _Outputs:
        return cls(result.documents, result.mentions, result.errors, result.manifest, result.lemmas, classification)


def input_name(item: Any) -> str:
    """The name of an input as a group: its file or folder name without extensions."""
    if not isinstance(item, (str, Path)):
        return "input"
    name = Path(item).name
    for suffix in (".gz", ".jsonl", ".json", ".csv", ".tsv", ".txt", ".yaml", ".yml", ".parquet"):
        name = name.removesuffix(suffix)
    return name or str(item)


def input_kind(item: Any) -> str:
    """``analysis`` (an analyse output folder), ``classification`` (a classify table) or ``corpus``."""
    if not isinstance(item, (str, Path)):
        return "corpus"
    path = Path(item)
    has_mentions = (path / "mentions.parquet").exists() or (path / "mentions.csv").exists()
    if path.is_dir() and (path / "manifest.json").is_file() and has_mentions:
        return "analysis"
    if path.is_file() and path.suffix.lower() in (".csv", ".tsv", ".parquet"):
        columns = _columns(path)
        if {"frame", "p_individual", "p_collective"} <= set(columns) and "text" not in columns:
            return "classification"
    return "corpus"


def _columns(path: Path) -> list[str]:
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        return pq.read_schema(path).names
    try:
        return list(pd.read_csv(path, nrows=0, sep="\t" if path.suffix.lower() == ".tsv" else ",").columns)
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError):
        return []


def read_table(path: Path) -> pd.DataFrame:
    if path.suffix.lower() == ".parquet":
        return pd.read_parquet(path)
    return pd.read_csv(path, sep="\t" if path.suffix.lower() == ".tsv" else ",", low_memory=False)


def read_analysis_dir(path: Path) -> _Outputs:
    """The tables of a folder written by ``isic-nlp analyse`` (Parquet preferred: exact types)."""

    def table(name: str, required: bool = True) -> pd.DataFrame | None:
        for suffix in (".parquet", ".csv"):
            if (path / f"{name}{suffix}").exists():
                return read_table(path / f"{name}{suffix}")
        if required:
            raise IsicError(Errors.E605.format(path=path))
        return None

    manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    errors = table("errors", required=False)
    return _Outputs(
        table("documents"),
        table("mentions"),
        errors if errors is not None else pd.DataFrame(columns=ERROR_COLUMNS),
        manifest,
        table("lemmas", required=False),
    )


def _combine(analysed: list[tuple[str, _Outputs]], classified: list[pd.DataFrame], clf, keyness: bool = True) -> ReportData:
    units, mentions, lemmas, errors = [], [], [], []
    notes: list[str] = []
    names = _unique_names([name for name, _ in analysed])
    for name, (_, out) in zip(names, analysed):
        table = out.documents.copy()
        table.insert(1, "input", name)
        if out.classification is not None:
            predictions = out.classification[["id", *[c for c in PREDICTION_COLUMNS if c in out.classification]]]
            table = table.merge(predictions, on="id", how="left", validate="one_to_one")
        units.append(table)
        mentions.append(out.mentions.assign(input=name))
        errors.append(out.errors)
        if out.lemmas is not None:
            lemmas.append(out.lemmas.assign(input=name))
    table = pd.concat(units, ignore_index=True)
    if classified:
        predictions = pd.concat(classified, ignore_index=True)
        predictions = predictions[["id", *[c for c in PREDICTION_COLUMNS if c in predictions]]].drop_duplicates("id")
        table = table.drop(columns=[c for c in PREDICTION_COLUMNS if c in table]).merge(predictions, on="id", how="left")
    if "frame" in table:
        missing = int(table["frame"].isna().sum())
        if missing:
            notes.append(Errors.W601.format(n=missing, total=len(table)))
        modes = table["modes"].fillna("").astype(str).str.split(";")
        for mode in MODES:
            table[f"mode_{mode}"] = modes.map(lambda ms, m=mode: m in ms).where(table["frame"].notna())
    else:
        notes.append(Errors.W602)
    if keyness and len(lemmas) < len(analysed):  # a trend report has no lemma keyness to leave out
        notes.append(Errors.W603)
    errors_df = pd.concat(errors, ignore_index=True) if errors else pd.DataFrame(columns=ERROR_COLUMNS)
    if len(table) == 0:
        bad = errors_df[errors_df["severity"] == "error"]
        first = f"{bad.iloc[0]['file']}:{bad.iloc[0]['line']}: {bad.iloc[0]['reason']}" if len(bad) else "no record"
        raise IsicError(Errors.E604.format(problems=len(bad), first=first))
    for note in notes:
        warnings.warn(note, UserWarning, stacklevel=3)
    manifests = [out.manifest for _, out in analysed]
    first = manifests[0]
    groups = first.get("labels") or _label_sides(table)
    provenance = {
        "unit": first.get("unit", {}).get("level", "document"),
        "pipeline": first.get("pipeline"),
        "pipe_names": first.get("pipe_names"),
        "isic_nlp_version": first.get("isic_nlp_version"),
        "spacy_version": first.get("spacy_version"),
        "lexicons": first.get("lexicons"),
        "inputs": [inp for m in manifests for inp in m.get("inputs", [])],
        "analyses": [{"input": n, "created": m.get("created"), "counts": m.get("counts"),
                      **({"cache": m["cache"]} if m.get("cache") else {})} for n, m in zip(names, manifests)],
        "definitions": first.get("definitions"),
        "model": _model_info(clf),
    }
    if any(m.get("unit", {}).get("level", "document") != provenance["unit"] for m in manifests):
        raise IsicError(Errors.E006.format(option="every analyse output", expected=f"at one unit level ({provenance['unit']})",
                                           value=[m.get("unit", {}).get("level") for m in manifests]))
    return ReportData(
        units=table,
        mentions=pd.concat(mentions, ignore_index=True),
        lemmas=pd.concat(lemmas, ignore_index=True) if lemmas else None,
        labels=groups,
        errors=errors_df,
        provenance=provenance,
        notes=notes,
    )


#: Fields every unit table has, whatever the inputs' metadata (the unit split, the counts, the classifier).
COMPUTED_FIELDS = ("id", "doc_id", "input", "unit_id", "unit_type", "unit_label", "start_char", "n_chars", "n_tokens",
                   "frame", "modes", "codification_group")
COMPUTED_PREFIXES = ("n_", "rate_", "p_", "mode_", "meta_")
#: How to give a corpus dates, for the errors that find none.
ATTACH_DATES = (
    " To attach dates, give each record a 'date' (yyyy-mm-dd, dd/mm/yyyy or '12 mars 2002') or a 'year' field: "
    "a field of the JSON Lines, a column of the CSV or of a TXM metadata.csv, a field of a corpus manifest, or "
    "a date in the .txt file names (loi-2002-01-02.txt, 2002_circulaire.txt); or name your date field with --date-field."
)


def metadata_fields(columns: Any) -> list[str]:
    """The metadata fields among ``columns`` (a unit table's): not the ids, counts, rates and predictions isic_nlp adds.

    For the messages that list the fields a user can name (``--facet``, ``--by``...).

    Example:
        >>> metadata_fields(["id", "doc_id", "collection", "n_tokens", "n_rights", "rate_rights", "p_none", "date"])
        ['collection', 'date']
    """
    return [str(name) for name in columns if name not in COMPUTED_FIELDS and not str(name).startswith(COMPUTED_PREFIXES)]


def check_fields(
    corpora: list[Any],
    outputs: list[_Outputs],
    classified: list[pd.DataFrame],
    fields: dict[str, str | None],
    dates: bool = False,
    text_field: str = "text",
    id_field: str = "id",
) -> None:
    """E609 for a field (of ``fields``, by option) that no input has, before any analysis.

    The fields of ``analyse`` outputs and ``classify`` tables are their columns;
    those of corpora are the metadata of their records, read without the pipeline
    (the reading stops as soon as every field asked for has been seen). Values of
    ``--by`` that are not fields (``input``, ``period:N``) are left alone. With
    ``dates`` and no ``--date-field``, a ``date`` or ``year`` field is needed.

    Example:
        >>> check_fields([[{"id": "a", "text": "x", "collection": "casf"}]], [], [], {"--facet": "colection"})
        Traceback (most recent call last):
        ...
        isic_nlp.errors.IsicError: [isic:E609] There is no field 'colection' (--facet) in the inputs. Did you mean 'collection'? Metadata fields: collection. Nothing was analysed.
    """
    wanted = {option: name for option, name in fields.items()
              if name is not None and name != "input" and not str(name).startswith("period")}
    date_given = fields.get("--date-field") is not None
    if not wanted and not (dates and not date_given):
        return
    needed = set(wanted.values()) | ({"date", "year"} if dates and not date_given else set())
    found: dict[str, None] = {}
    for table in [*(out.documents for out in outputs), *classified]:
        found.update(dict.fromkeys(map(str, table.columns)))
    n_records = sum(len(out.documents) for out in outputs)
    for corpus in corpora:
        # Files are read, not hashed (analyse hashes them).
        items = (read_records(corpus, text_field=text_field, id_field=id_field) if isinstance(corpus, (str, Path))
                 else records_from_source(corpus, text_field, id_field)[0])
        for item in items:
            if isinstance(item, Record):
                n_records += 1
                found.update(dict.fromkeys(map(str, item.meta)))
                if needed <= found.keys():
                    break
    if n_records == 0:
        return  # nothing usable: the analysis says why (E604), not a missing field
    metadata = metadata_fields(found)
    known = ", ".join(sorted(metadata, key=str.lower)) or "none"

    def present(name: str) -> bool:
        return name in found or name in COMPUTED_FIELDS

    for option, name in wanted.items():
        if not present(name):
            close = difflib.get_close_matches(name, [*metadata, *COMPUTED_FIELDS], n=3, cutoff=0.6)
            hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
            date_hint = ATTACH_DATES if option == "--date-field" else ""
            raise IsicError(Errors.E609.format(field=name, option=option, hint=hint, known=known, dates=date_hint))
    if dates and not date_given and not (present("date") or present("year")):
        raise IsicError(Errors.E609.format(field="date", option="the dates of a trend", hint=" Nor is there a 'year'.",
                                           known=known, dates=ATTACH_DATES))


def split_collective(units: pd.DataFrame) -> tuple[pd.DataFrame, str | None]:
    """Units whose ``frame`` 'collective' is split into ``collective_social`` and ``collective_labour``.

    With the classifier's labour-relations model, its ``p_collective_social`` and
    ``p_collective_labour`` (which add up to ``p_collective``) decide; a model or
    a classify table without them falls back on the lexicon: a collective unit
    is labour relations when it has more counted labour-relations mentions
    (``n_collective_labour``) than collective social-intervention ones. Returns
    the units and how the split was made.
    """
    units = units.copy()
    if "p_collective" not in units:
        units["p_collective"] = (units["frame"] == "collective").astype(float)
    if "p_collective_labour" in units and units["p_collective_labour"].notna().any():
        how = "the classifier's labour-relations model: p(labour relations | collective)"
    else:
        labour = (units.get("n_collective_labour", 0) > units.get("n_collective", 0))
        labour = pd.Series(labour, index=units.index).astype(float) if not isinstance(labour, pd.Series) else labour.astype(float)
        p = units["p_collective"] if "p_collective" in units else pd.Series(0.0, index=units.index)
        units["p_collective_labour"] = p * labour
        units["p_collective_social"] = p - units["p_collective_labour"]
        how = ("the lexicon: a collective unit with more labour-relations mentions than collective social-intervention "
               "ones is labour relations (the model has no labour-relations output)")
    collective = units["frame"] == "collective"
    labour = units["p_collective_labour"] > units["p_collective_social"]
    units.loc[collective & labour, "frame"] = "collective_labour"
    units.loc[collective & ~labour, "frame"] = "collective_social"
    return units, how


def _label_sides(units: pd.DataFrame) -> dict[str, str]:
    """Labels of outputs whose manifest does not list them: columns with both ``n_`` and ``rate_``."""
    names = [c[2:] for c in units.columns if c.startswith("n_") and f"rate_{c[2:]}" in units.columns]
    return {name: "unknown" for name in names if name not in SIDES}


def _model_info(clf) -> dict[str, Any] | None:
    if clf is None:
        return None
    meta = getattr(clf, "meta_", {}) or {}
    keep = ("versions", "pipeline", "training_data", "threshold", "cv_scores", "model_sha256")
    return {key: meta[key] for key in keep if key in meta}


def _unique_names(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out

