"""One progress bar for every long command: on stderr, only when stderr is a terminal.

Library functions take ``progress=None`` by default, which means the setting
of the process: off in Python, unless :func:`set_progress` says otherwise; the
command line sets it to ``"auto"`` (a bar when stderr is a terminal), or off
with ``--quiet``. With a total (the number of records, when the input says it)
the bar shows the share done and the time left.

Example:
    >>> list(with_progress(["a", "b"], total=2, desc="demo", enabled=False))
    ['a', 'b']
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")

_SETTING: dict[str, bool | str] = {"progress": False}


def set_progress(setting: bool | str) -> None:
    """The process-wide default: ``True``, ``False``, or ``"auto"`` (when stderr is a terminal)."""
    _SETTING["progress"] = setting


def progress_enabled(enabled: bool | None = None) -> bool:
    """Whether to show a bar: ``enabled`` if given, else the process-wide setting."""
    setting = _SETTING["progress"] if enabled is None else enabled
    return sys.stderr.isatty() if setting == "auto" else bool(setting)


def progress_bar(total: int | None = None, *, desc: str = "", unit: str = " docs", enabled: bool | None = None) -> Any:
    """A ``tqdm`` bar on stderr: with ``total`` it shows the share done and the time left."""
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit=unit, disable=not progress_enabled(enabled), leave=False,
                file=sys.stderr, dynamic_ncols=True, mininterval=0.5)


def with_progress(items: Iterable[T], total: int | None = None, *, desc: str = "", unit: str = " docs",
                  enabled: bool | None = None, weight: Callable[[T], int] | None = None) -> Iterator[T]:
    """Yield ``items``, advancing a :func:`progress_bar` by ``weight(item)`` (default 1) for each."""
    with progress_bar(total, desc=desc, unit=unit, enabled=enabled) as bar:
        for item in items:
            yield item
            bar.update(weight(item) if weight is not None else 1)
