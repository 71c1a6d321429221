"""One progress bar for every long command: on stderr, only when stderr is a terminal.

Example:
    >>> list(with_progress(["a", "b"], total=2, desc="demo", enabled=False))
    ['a', 'b']
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")


def progress_bar(total: int | None = None, *, desc: str = "", unit: str = " docs", enabled: bool | None = None) -> Any:
    """A ``tqdm`` bar on stderr: with ``total`` it shows the share done and the time left.

    ``enabled``: ``None`` (the default) shows it when stderr is a terminal
    (not in a pipe, a log file or a test); ``False`` (``--quiet``) never.
    """
    from tqdm import tqdm

    if enabled is None:
        enabled = sys.stderr.isatty()
    return tqdm(total=total, desc=desc, unit=unit, disable=not enabled, leave=False, file=sys.stderr,
                dynamic_ncols=True, mininterval=0.5)


def with_progress(items: Iterable[T], total: int | None = None, *, desc: str = "", unit: str = " docs",
                  enabled: bool | None = None, weight=None) -> Iterator[T]:
    """Yield ``items``, advancing a :func:`progress_bar` by ``weight(item)`` (default 1) for each."""
    with progress_bar(total, desc=desc, unit=unit, enabled=enabled) as bar:
        for item in items:
            yield item
            bar.update(weight(item) if weight is not None else 1)
