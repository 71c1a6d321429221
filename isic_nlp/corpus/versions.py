"""Read article-version histories (``casf-versions.jsonl.gz``): what texts changed, and what was in force.

The shared corpora's ``casf-versions.jsonl.gz`` (documented in
``casf-versions.md`` beside it) holds every version of every article of the
Code de l'action sociale et des familles (CASF) and of its predecessor, the
Code de la famille et de l'aide sociale (CFAS), 1970–2015: one JSON object per
line with ``id`` (``CASF:L311-3@2000-12-23``), ``code``, ``num``, ``text``,
``date`` (the version's **entry into force**: the commit date of the
repository it was rebuilt from), ``date_end``, ``event`` (``created``,
``modified``, ``repealed``: a repeal is its own record, with an empty text),
the modifying text (``modifying_text``, ``modifying_text_nature``,
``modifying_text_date`` = its **signature** date, null when the repository
says "d'origine indéterminée"), the structure (``partie`` … ``hierarchy``,
``path``) and ``flags``.

Unlike the consolidated codes, this file keeps repealed and superseded
versions, so two views of it avoid the survivorship of consolidated codes:

* :func:`read_events` — **what each year's texts created or changed**: one
  :class:`~isic_nlp.corpus.readers.Record` per ``created`` or ``modified``
  version, with that version's text. Its ``date`` is the version's entry into
  force (``date_source`` ``version_in_force``), always known; the signature
  date of the modifying text is ``date_signature`` (null for the 53 % of
  versions of undetermined origin). Both are kept (``date_in_force``,
  ``date_signature``); ``date="signature"`` makes the signature the ``date``.
  Repeal markers have no text and give no record.
* :func:`read_in_force` — **the code as in force on a date D**: one record per
  article whose version covers D (``date <= D < date_end``, not a repeal), id
  ``<code>:<num>``. Its ``date`` is the entry into force of the article's
  creation (``date_source`` ``first_version_in_force``, the meaning the LEGI
  codes use), ``date_signature`` the signature of the text that created it,
  ``date_version`` the entry into force of the wording in force on D.

Each record carries ``doc_type`` ``CODE_ARTICLE`` and ``article_num``, so
``isic_nlp.analyse(..., unit="alinea")`` cuts it as any code article, and
``text_key`` (``DECRET 2009-404``, or ``unknown@<code title>@<date>`` when the
origin is undetermined) for :func:`isic_nlp.reports.codification.flag_codification`.

Versions dated with the pre-1970 placeholder (``date_is_placeholder``: the git
history cannot go before 1970) get a null ``date`` in the events view, with
one W211 warning per file. A line that is not valid JSON, not an object, or
lacks a field of the format gives an E201/E209/E212 problem with its file and
line; the reader never raises on a bad line.

**Known gaps** (:data:`GAPS`, warned with W403 when a view or a snapshot date
meets them): the CASF legislative Livre III (L311-1 ff., the users' rights of
loi 2002-2) is missing after 2002-01-03; the allocation compensatrice
(L245-1 ff.) after 2005-02-12; nothing is known before 1970 (placeholder
dates); the source thins out after mid-2015.

Example:
    >>> import gzip, json, pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "v.jsonl"
    >>> rows = [
    ...     {"id": "CASF:L1@2000-12-23", "code": "CASF", "num": "L1", "text": "Texte 1.", "date": "2000-12-23",
    ...      "date_end": "2005-01-01", "event": "created", "modifying_text": "Modifications d'origine indéterminée",
    ...      "modifying_text_nature": "unknown", "modifying_text_date": None, "flags": []},
    ...     {"id": "CASF:L1@2005-01-01", "code": "CASF", "num": "L1", "text": "Texte 2.", "date": "2005-01-01",
    ...      "date_end": None, "event": "modified", "modifying_text": "Loi n°2004-1 du 2 janvier 2004",
    ...      "modifying_text_nature": "LOI", "modifying_text_date": "2004-01-02", "flags": []}]
    >>> _ = path.write_text("".join(json.dumps(r) + "\\n" for r in rows), encoding="utf-8")
    >>> is_versions_file(path)
    True
    >>> [(r.id, r.meta["date"], r.meta["date_signature"]) for r in read_events(path) if isinstance(r, Record)]
    [('CASF:L1@2000-12-23', '2000-12-23', None), ('CASF:L1@2005-01-01', '2005-01-01', '2004-01-02')]
    >>> [(r.id, r.text, r.meta["date"]) for r in read_in_force(path, "2003-06-30") if isinstance(r, Record)]
    [('CASF:L1', 'Texte 1.', '2000-12-23')]
"""

from __future__ import annotations

import datetime as _dt
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from isic_nlp.corpus.decoding import FileTooLarge, is_regular, limits, open_binary, read_problem, too_large
from isic_nlp.corpus.records import InputProblem, Record
from isic_nlp.errors import Errors

__all__ = [
    "snapshot_records",
    "CODE_TITLES",
    "EVENTS",
    "GAPS",
    "Gap",
    "is_versions_file",
    "read_events",
    "read_in_force",
    "read_versions",
    "snapshot_gaps",
    "text_key",
]

#: Full names of the codes of the versions files.
CODE_TITLES = {
    "CASF": "Code de l'action sociale et des familles",
    "CFAS": "Code de la famille et de l'aide sociale",
    "CSS": "Code de la sécurité sociale",
}
EVENTS = ("created", "modified", "repealed")
#: Fields every line must have (with these JSON types) to be read as a version.
_REQUIRED = {"id": str, "code": str, "num": str, "text": str, "date": str, "event": str}
_SNIFF_KEYS = {"id", "code", "num", "date", "date_end", "event", "modifying_text"}
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PLACEHOLDER = "1970-01-31"


@dataclass(frozen=True)
class Gap:
    """A stretch of time in which a versions file is known to miss articles or dates.

    ``start``/``end`` bound the dates affected (``None``: open), ``codes`` the
    codes concerned; ``what`` says what is missing, in a sentence.
    """

    codes: tuple[str, ...]
    start: str | None
    end: str | None
    what: str

    def covers(self, day: str) -> bool:
        return (self.start is None or day >= self.start) and (self.end is None or day < self.end)


#: The documented gaps of ``casf-versions.jsonl.gz`` (its ``casf-versions.md``, "Known gaps").
GAPS = (
    Gap(("CFAS", "CASF"), None, PLACEHOLDER,
        "nothing is known before 1970: versions older than that carry the placeholder date 1970-01-31 "
        "(114 CFAS versions), so a snapshot before it is empty and events before 1970 are undated"),
    Gap(("CASF",), "2002-01-03", None,
        "the CASF legislative Livre III (L311-1 ff., établissements et services: the users' rights of "
        "loi 2002-2) is missing from 2002-01-03 on; its 109 'repeals' that day (flag casf_livre_iii_2002_gap) "
        "are missing data, not repeals, and the Livre III rewritten by loi 2002-2 never appears"),
    Gap(("CASF",), "2005-02-12", None,
        "the allocation compensatrice articles (L245-1 ff.) are removed on 2005-02-12 by changes of "
        "undetermined origin and never re-created, although later texts cite them: probably missing data"),
    Gap(("CFAS", "CASF"), "2015-07-01", None,
        "the source repository thins out after spring 2015 (its last versions are deferred entries into "
        "force known in 2015): the code after mid-2015 is incomplete"),
)


# --------------------------------------------------------------------------- detection


def is_versions_file(path: str | Path) -> bool:
    """Whether a file is a versions file: its first non-blank line is a version record.

    Cheap: reads at most the first 1 MiB (gzip recognised by its content) and
    parses one line. Never raises: an unreadable file is not a versions file,
    and a FIFO or device is not opened.
    """
    if not is_regular(Path(path)):
        return False
    try:
        with _open_text(Path(path)) as stream:
            for _ in range(20):
                line = stream.readline(1 << 20)
                if not line:
                    return False
                if line.strip():
                    obj = json.loads(line.lstrip("\ufeff"))
                    return isinstance(obj, dict) and _SNIFF_KEYS <= obj.keys() and obj.get("event") in EVENTS
    except (OSError, EOFError, ValueError, UnicodeDecodeError):
        return False
    return False


def _open_text(path: Path):
    """The file as UTF-8 text, gzip or not, within the file bound (E217 past it)."""
    with open(path, "rb") as raw:
        gz = raw.read(2) == b"\x1f\x8b"
    return io.TextIOWrapper(open_binary(path, gz), encoding="utf-8")


# --------------------------------------------------------------------------- reading lines


def _rows(path: Path) -> Iterator[tuple[int, dict[str, Any]] | InputProblem]:
    """``(line, object)`` of every valid version line, or a problem for a bad one."""
    file = str(path)
    try:
        stream = _open_text(path)
    except OSError as err:
        yield InputProblem.from_code(file, None, None, "E210", reason=err.strerror or str(err))
        return
    with stream:
        number = 0
        cap = limits().max_record_bytes
        while True:
            try:
                line = stream.readline(cap + 1)
                if len(line) > cap and not line.endswith("\n"):  # over the record bound: skipped
                    while (rest := stream.readline(1 << 20)) and not rest.endswith("\n"):
                        pass
                    number += 1
                    yield too_large(file, number, None)
                    continue
            except FileTooLarge as err:
                yield read_problem(file, number + 1, None, err)
                return
            except (OSError, EOFError, UnicodeDecodeError) as err:
                yield InputProblem.from_code(file, number + 1, None, "E210", reason=str(err))
                return
            if not line:
                return
            number += 1
            if not line.strip():
                continue
            try:
                obj = json.loads(line.lstrip("\ufeff") if number == 1 else line)
            except ValueError as err:
                yield InputProblem.from_code(file, number, None, "E201", reason=str(err))
                continue
            if not isinstance(obj, dict):
                yield InputProblem.from_code(file, number, None, "E209", type=type(obj).__name__)
                continue
            reason = _invalid(obj)
            if reason:
                rid = obj.get("id") if isinstance(obj.get("id"), str) else None
                yield InputProblem.from_code(file, number, rid, "E212", reason=reason)
                continue
            yield number, obj


def _invalid(obj: dict[str, Any]) -> str | None:
    """Why an object is not a usable version record, or ``None``."""
    for name, kind in _REQUIRED.items():
        if name not in obj:
            return f"no '{name}' field"
        if not isinstance(obj[name], kind):
            return f"'{name}' is {type(obj[name]).__name__}, not a string"
    if obj["event"] not in EVENTS:
        return f"'event' is {obj['event']!r}, not one of {', '.join(EVENTS)}"
    for name in ("date", "date_end", "modifying_text_date"):
        value = obj.get(name)
        if name != "date" and value is None:
            continue
        if not (isinstance(value, str) and _DAY.match(value) and _valid_day(value)):
            return f"'{name}' is {value!r}, not a yyyy-mm-dd date"
    if obj["event"] != "repealed" and not obj["text"].strip():
        return f"empty text for a '{obj['event']}' version"
    return None


def _valid_day(value: str) -> bool:
    try:
        _dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


# --------------------------------------------------------------------------- record fields

_NATURES = (("LOI", r"loi"), ("ORDONNANCE", r"ordonnance"), ("DECRET", r"d[ée]cret"), ("ARRETE", r"arr[êe]t[ée]"))
_TEXT_NUMBER = re.compile(r"(?<![\d-])(\d{2,4}-\d{1,5})(?![\d-])")


def text_key(title: Any, nature: Any = None) -> str | None:
    """A short key naming a legal text: ``"<NATURE> <number>"`` from its title, or ``None``.

    Titles come in several forms (``Décret n° 85-1353 du 17 décembre 1985``,
    ``Décret 85-1353 1985-12-17 art. 1 JORF 21 décembre 1985``, ``LOI
    n°2008-67 du 21 janvier 2008 - art. 3``); the key is the same for all.
    The nature is read from the title's first word, else taken from ``nature``.

    Example:
        >>> text_key("Décret n° 85-1353 du 17 décembre 1985"), text_key("Décret 85-1353 1985-12-17 art. 1 JORF 21 décembre 1985")
        ('DECRET 85-1353', 'DECRET 85-1353')
        >>> text_key("Ordonnance 2007-329 2007-03-12 JORF 13 mars 2007"), text_key("Rapport", "ORDONNANCE")
        ('ORDONNANCE 2007-329', None)
    """
    if not isinstance(title, str):
        return None
    number = _TEXT_NUMBER.search(title)
    if not number:
        return None
    found = None
    head = title.strip().lower()
    for name, pattern in _NATURES:
        if re.match(pattern, head):
            found = name
            break
    if found is None and isinstance(nature, str) and nature not in ("", "unknown"):
        found = nature.upper().replace("LOI_ORGANIQUE", "LOI")
    if found is None:
        return None
    return f"{found} {number.group(1)}"


def _key(obj: dict[str, Any]) -> str:
    """The modifying text's key, or ``unknown@<code title>@<date>`` for changes of undetermined origin."""
    texts = obj.get("modifying_texts") or []
    if texts and isinstance(texts[0], dict) and texts[0].get("number") and texts[0].get("nature") not in (None, "unknown"):
        return f"{texts[0]['nature']} {texts[0]['number']}"
    key = text_key(obj.get("modifying_text"), obj.get("modifying_text_nature"))
    return key or f"unknown@{CODE_TITLES.get(obj['code'], obj['code'])}@{obj['date']}"


def _meta(obj: dict[str, Any], file: str) -> dict[str, Any]:
    code = obj["code"]
    title = CODE_TITLES.get(code, code)
    placeholder = bool(obj.get("date_is_placeholder")) or "date_placeholder_pre1970" in (obj.get("flags") or [])
    return {
        "doc_type": "CODE_ARTICLE",
        "collection": Path(file).name.split(".")[0],
        "title": f"{title}, article {obj['num']}",
        "article_num": obj["num"],
        "code": code,
        "code_title": title,
        "version_id": obj["id"],
        "event": obj["event"],
        "date_in_force": None if placeholder else obj["date"],
        "date_end": obj.get("date_end"),
        "date_signature": obj.get("modifying_text_date"),
        "date_is_placeholder": placeholder,
        "modifying_text": obj.get("modifying_text"),
        "modifying_text_nature": obj.get("modifying_text_nature"),
        "modifying_texts": obj.get("modifying_texts") or [],
        "origine_indeterminee": bool(obj.get("origine_indeterminee")),
        "text_key": _key(obj),
        "partie": obj.get("partie"),
        "livre": obj.get("livre"),
        "titre": obj.get("titre"),
        "chapitre": obj.get("chapitre"),
        "section_path": obj.get("hierarchy") or [],
        "path": obj.get("path"),
        "flags": obj.get("flags") or [],
    }


def _year(day: str | None) -> int | None:
    return int(day[:4]) if day else None


# --------------------------------------------------------------------------- the two views


def read_events(
    path: str | Path, *, date: str = "in_force", events: tuple[str, ...] = ("created", "modified")
) -> Iterator[Record | InputProblem]:
    """One record per version that a text created (or changed), dated by that event.

    Args:
        path: a versions file (``.jsonl`` or ``.jsonl.gz``).
        date: which date is the record's ``date``: ``"in_force"`` (default) the
            version's entry into force (``date_source`` ``version_in_force``),
            or ``"signature"`` the signature of the modifying text
            (``modifying_text_signature``; null for changes of undetermined
            origin). Both are always kept as ``date_in_force`` and ``date_signature``.
        events: which events give records (``created``, ``modified``; repeal
            markers have no text and give none).

    Yields:
        Records with id = the version id, and problems for bad lines; a W211
        warning (file level) when versions carry the pre-1970 placeholder date.
    """
    if date not in ("in_force", "signature"):
        raise ValueError(f"date must be 'in_force' or 'signature', got {date!r}")
    bad = set(events) - {"created", "modified"}
    if bad:
        raise ValueError(f"events must be among 'created', 'modified', got {sorted(bad)}")
    path = Path(path)
    file = str(path)
    placeholders = 0
    codes: set[str] = set()
    for item in _rows(path):
        if isinstance(item, InputProblem):
            yield item
            continue
        line, obj = item
        codes.add(obj["code"])
        if obj["event"] not in events:
            continue
        meta = _meta(obj, file)
        placeholders += meta["date_is_placeholder"]
        chosen = meta["date_in_force"] if date == "in_force" else meta["date_signature"]
        meta.update(
            date=chosen,
            year=_year(chosen),
            date_source="version_in_force" if date == "in_force" else "modifying_text_signature",
        )
        yield Record(obj["id"], obj["text"], meta, file, line)
    if placeholders:
        yield InputProblem.from_code(file, None, None, "W211", count=placeholders, placeholder=PLACEHOLDER)
    # The gaps that leave events out (the pre-1970 one is W211 above), for the codes of the file.
    yield from _gap_warnings("events view", file, [g for g in GAPS if g.start is not None and set(g.codes) & codes])


def read_in_force(path: str | Path, on: str | _dt.date) -> Iterator[Record | InputProblem]:
    """One record per article as in force on ``on`` (a ``yyyy-mm-dd`` date): a snapshot of the code.

    A version is in force on D when ``date <= D`` and ``date_end`` is null or
    after D, and it is not a repeal marker. Record id: ``<code>:<num>`` (the
    version id before ``@``); ``date`` = entry into force of the article's
    creation (the last ``created`` version at or before the one in force),
    null when that is the pre-1970 placeholder; ``date_signature`` = signature
    of the text that created it; ``date_version`` = entry into force of the
    wording in force on D; ``in_force_on`` = D.

    Known gaps covering D are warned (W403, see :data:`GAPS`).
    """
    day = _check_day(on)
    path = Path(path)
    file = str(path)
    problems: list[InputProblem] = []
    created: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    current: dict[str, tuple[int, dict[str, Any]]] = {}
    codes: set[str] = set()
    for item in _rows(path):
        if isinstance(item, InputProblem):
            problems.append(item)
            continue
        line, obj = item
        article = obj["id"].split("@", 1)[0]
        codes.add(obj["code"])
        if obj["event"] == "created":
            created.setdefault(article, []).append((obj["date"], obj))
        end = obj.get("date_end")
        if obj["date"] <= day and (end is None or day < end) and obj["event"] != "repealed":
            current[article] = (line, obj)
    yield from _gap_warnings(f"snapshot on {day}", file, [g for g in GAPS if g.covers(day) and set(g.codes) & codes])
    yield from problems
    for article, (line, obj) in sorted(current.items(), key=lambda pair: pair[1][0]):
        meta = _meta(obj, file)
        births = [(d, o) for d, o in created.get(article, []) if d <= obj["date"]]
        birth = max(births, key=lambda pair: pair[0])[1] if births else obj
        birth_meta = _meta(birth, file)
        meta.update(
            date=birth_meta["date_in_force"],
            year=_year(birth_meta["date_in_force"]),
            date_source="first_version_in_force",
            date_in_force=birth_meta["date_in_force"],
            date_signature=birth_meta["date_signature"],
            date_version=meta["date_in_force"],
            date_version_signature=obj.get("modifying_text_date"),
            creating_text=birth.get("modifying_text"),
            creating_text_nature=birth.get("modifying_text_nature"),
            text_key=birth_meta["text_key"],
            in_force_on=day,
        )
        yield Record(article, obj["text"], meta, file, line)


def read_versions(
    path: str | Path, *, in_force_on: str | _dt.date | None = None, date: str = "in_force"
) -> Iterator[Record | InputProblem]:
    """The events view of a versions file, or with ``in_force_on`` its snapshot on that date.

    The one call for the CLI: ``--in-force-on 2001-12-31`` gives
    :func:`read_in_force`, no date gives :func:`read_events` (``date`` chooses
    its date: ``in_force`` or ``signature``).
    """
    if in_force_on is not None:
        return read_in_force(path, in_force_on)
    return read_events(path, date=date)


def snapshot_gaps(on: str | _dt.date, codes: tuple[str, ...] = ("CASF", "CFAS")) -> list[Gap]:
    """The known gaps that cover a snapshot date (for the codes given).

    Example:
        >>> [g.start for g in snapshot_gaps("2001-12-31")], [g.start for g in snapshot_gaps("2015-12-31")]
        ([], ['2002-01-03', '2005-02-12', '2015-07-01'])
    """
    day = _check_day(on)
    return [g for g in GAPS if g.covers(day) and set(g.codes) & set(codes)]


def _check_day(on: str | _dt.date) -> str:
    text = on.isoformat() if isinstance(on, _dt.date) else str(on).strip()
    if not (_DAY.match(text) and _valid_day(text)):
        from isic_nlp.errors import IsicError

        raise IsicError(Errors.E006.format(option="--in-force-on", expected="a date yyyy-mm-dd", value=on))
    return text


def _gap_warnings(view: str, file: str, gaps) -> Iterator[InputProblem]:
    """A file-level warning row (``errors.csv``) per known gap of the view: the records it lacks are said, not silent."""
    for gap in gaps:
        yield InputProblem.from_code(file, None, None, "W403", view=view, path=file, gap=gap.what)


def snapshot_records(paths, day: str) -> list[Record | InputProblem]:
    """The records of version files as in force on ``day`` (what ``--in-force-on`` reads); every path must be one.

    Raises ``E006`` for a path that is not a version file.
    """
    from isic_nlp.errors import IsicError

    records: list[Record | InputProblem] = []
    for path in paths:
        if not is_versions_file(path):
            raise IsicError(Errors.E006.format(option="--in-force-on", expected="given with article-version files "
                                               "only (such as casf-versions.jsonl.gz)", value=str(path)))
        records.extend(read_versions(path, in_force_on=day))
    return records
