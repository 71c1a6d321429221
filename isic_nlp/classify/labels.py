"""Labelled units: read ``text`` + ``frame`` (+ ``modes``) from JSON Lines or CSV.

Inputs go through the corpus readers, so bad records are reported as
:class:`~isic_nlp.corpus.readers.InputProblem` (never a traceback); a unit
whose ``frame`` or ``modes`` is not a known label is a problem too (E506, E507).
``modes`` may be a list or a ``;``-joined string (CSV).

Example:
    >>> data, problems = read_labels([
    ...     {"id": "a", "text": "Le conseil de la vie sociale.", "frame": "collective", "modes": "groupes"},
    ...     {"id": "b", "text": "Taux de cotisation.", "frame": "other"}])
    >>> data.frames, data.modes, [p.code for p in problems]
    (['collective'], [['groupes']], ['E506'])
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path
from dataclasses import dataclass, field

from ..corpus.readers import InputProblem, Record, Source, records_from_source

FRAMES = ("individual", "collective", "mixed", "none")
MODES = ("communautaire", "groupes", "dsl", "collectives")


@dataclass
class LabelledData:
    """Parallel lists of labelled units (``groups``: ``doc_id`` if given, else the id, for grouped CV)."""

    ids: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    frames: list[str] = field(default_factory=list)
    modes: list[list[str]] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    tags: list[list[str]] = field(default_factory=list)
    #: the source of each unit for model selection that predicts transfer: its ``domain``
    #: field, else its ``collection`` (a code, a set of sheets...), else its file's name.
    domains: list[str] = field(default_factory=list)
    inputs: list[dict] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.texts)

    def sha256(self) -> str:
        """A hash of the labelled content (text, frame, modes in order), whatever the file format."""
        digest = hashlib.sha256()
        for text, frame, modes in zip(self.texts, self.frames, self.modes):
            digest.update(
                json.dumps([text, frame, sorted(modes)], ensure_ascii=False).encode("utf-8")
            )
            digest.update(b"\n")
        return digest.hexdigest()


def parse_modes(value) -> list[str] | None:
    """A list of modes (or tags) from a list, a ``;``-joined string or nothing; ``None`` if it cannot be read."""
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                value = json.loads(text)
            except ValueError:
                return None
        else:
            return [m.strip() for m in text.split(";") if m.strip()]
    if isinstance(value, (list, tuple)) and all(isinstance(m, str) for m in value):
        return [m.strip() for m in value if m.strip()]
    return None


def read_labels(
    source: Source, *, require_frame: bool = True
) -> tuple[LabelledData, list[InputProblem]]:
    """Read labelled units; return them with every input problem (errors and warnings)."""
    items, inputs = records_from_source(source, renamed=False)  # 'frame' is the label here
    data = LabelledData(inputs=inputs)
    problems: list[InputProblem] = []
    for item in items:
        if isinstance(item, InputProblem):
            problems.append(item)
            continue
        frame = item.meta.get("frame")
        if require_frame and frame not in FRAMES:
            problems.append(_problem(item, "E506", value=frame, known=", ".join(FRAMES)))
            continue
        modes = parse_modes(item.meta.get("modes"))
        if modes is None or set(modes) - set(MODES):
            bad = item.meta.get("modes") if modes is None else sorted(set(modes) - set(MODES))
            problems.append(_problem(item, "E507", value=bad, known=", ".join(MODES)))
            continue
        data.ids.append(item.id)
        data.texts.append(item.text)
        data.frames.append(frame)
        data.modes.append(sorted(set(modes), key=MODES.index))
        data.groups.append(str(item.meta.get("doc_id") or item.id))
        data.sources.append(str(item.file))
        data.tags.append(parse_modes(item.meta.get("tags")) or [])  # the same list shapes as modes
        data.domains.append(str(item.meta.get("domain") or item.meta.get("collection") or Path(str(item.file)).name.split(".")[0]))
    return data, problems


def _problem(record: Record, code: str, **fields) -> InputProblem:
    return InputProblem.from_code(record.file, record.line, record.id, code, **fields)
