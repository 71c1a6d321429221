"""Charts of the report tables, with matplotlib (no screen needed), as SVG and PNG.

Each function takes a report table and returns a matplotlib ``Figure``, so a
notebook can show it or restyle it; :func:`save_chart` writes the SVG and PNG
files and returns the SVG text to inline in ``report.html``. SVG text is drawn
as paths (no font to fetch) and ids are made unique per chart, so several
charts live in one page.
"""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ..output import write_atomic

COLOURS = {"individual": "#c2410c", "collective": "#1d4ed8", "collective_social": "#1d4ed8",
           "collective_labour": "#64748b", "mixed": "#7e22ce", "none": "#6b7280",
           "isic_mode": "#047857", "communautaire": "#b45309", "groupes": "#0e7490", "dsl": "#15803d", "collectives": "#9d174d"}
STYLE = {"svg.fonttype": "path", "svg.hashsalt": "isic_nlp", "font.size": 9, "axes.spines.top": False,
         "axes.spines.right": False, "figure.dpi": 100}


def _colour(name: str, index: int) -> str:
    return COLOURS.get(name, matplotlib.colormaps["tab10"](index % 10))


def series_chart(table: pd.DataFrame, series: str, value: str, *, title: str, ylabel: str, percent: bool,
                 period_years: int, names: list[str] | None = None) -> Figure:
    """Lines with interval bands over periods, one per value of ``series``; flagged periods hollow.

    ``table`` has ``period_start``, ``series``, ``value``, ``low``, ``high`` and ``flagged``.
    """
    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(7.5, 3.6), layout="constrained")
        ax = fig.add_subplot()
        scale = 100 if percent else 1
        names = names or list(dict.fromkeys(table[series]))
        for i, name in enumerate(names):
            part = table[table[series] == name].sort_values("period_start")
            if not len(part):
                continue
            x = part["period_start"].to_numpy(float) + (period_years - 1) / 2
            colour = _colour(name, i)
            y, low, high = (part[c].to_numpy(float) * scale for c in (value, "low", "high"))
            flagged = part["flagged"].to_numpy(bool)
            # Bands join unflagged periods; a flagged period gets a thin whisker and a hollow point.
            ax.fill_between(x, low, high, where=~flagged, color=colour, alpha=0.15, linewidth=0)
            ax.vlines(x[flagged], low[flagged], high[flagged], color=colour, alpha=0.35, linewidth=0.8)
            ax.plot(x, y, color=colour, linewidth=1.6, label=name)
            ax.scatter(x[~flagged], y[~flagged], color=colour, s=14, zorder=3)
            ax.scatter(x[flagged], y[flagged], facecolors="white", edgecolors=colour, s=14, zorder=3)
        ax.set_title(title, loc="left", fontsize=10)
        ax.set_ylabel(ylabel)
        ax.set_ylim(bottom=0)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(axis="y", color="#e5e7eb", linewidth=0.6)
        ax.legend(frameon=False, ncols=min(4, len(names)), loc="upper left", fontsize=8)
        return fig


def grouped_bars(table: pd.DataFrame, series: str, *, title: str, names: list[str] | None = None) -> Figure:
    """Share of each ``series`` value per group, bars with interval whiskers."""
    with matplotlib.rc_context(STYLE):
        groups = list(dict.fromkeys(table["group"]))
        names = names or list(dict.fromkeys(table[series]))
        fig = Figure(figsize=(7.5, 0.5 + 0.28 * len(groups) * max(1, len(names)) / 2 + 1.2), layout="constrained")
        ax = fig.add_subplot()
        height = 0.8 / max(1, len(names))
        y = np.arange(len(groups))
        for i, name in enumerate(names):
            part = table[table[series] == name].set_index("group").reindex(groups)
            share = part["share"].to_numpy(float) * 100
            err = np.vstack([share - part["low"].to_numpy(float) * 100, part["high"].to_numpy(float) * 100 - share])
            ax.barh(y + i * height, share, height=height * 0.9, color=_colour(name, i), label=name,
                    xerr=np.nan_to_num(err), error_kw={"elinewidth": 0.8, "ecolor": "#111827", "capsize": 1.5})
        ax.set_yticks(y + height * (len(names) - 1) / 2, [_short(g) for g in groups])
        ax.invert_yaxis()
        ax.set_xlabel("% of units")
        ax.set_title(title, loc="left", fontsize=10)
        ax.grid(axis="x", color="#e5e7eb", linewidth=0.6)
        fig.legend(frameon=False, ncols=min(4, len(names)), loc="outside lower center", fontsize=8)
        return fig


def keyness_heatmap(table: pd.DataFrame, item: str, value: str, *, title: str) -> Figure:
    """Groups × items coloured by a signed keyness value (e.g. the log-odds ``z``), values written in."""
    with matplotlib.rc_context(STYLE):
        grid = table.pivot(index="group", columns=item, values=value)
        fig = Figure(figsize=(max(7.5, 0.5 * grid.shape[1] + 2.5), max(3.0, 1.8 + 0.4 * grid.shape[0])), layout="constrained")
        ax = fig.add_subplot()
        limit = float(np.nanmax(np.abs(grid.to_numpy(float)))) if grid.size else 1.0
        limit = limit if np.isfinite(limit) and limit > 0 else 1.0
        image = ax.imshow(grid.to_numpy(float), cmap="RdBu_r", vmin=-limit, vmax=limit, aspect="auto")
        ax.set_xticks(range(grid.shape[1]), grid.columns, rotation=45, ha="right")
        ax.set_yticks(range(grid.shape[0]), [_short(g) for g in grid.index])
        for (i, j), v in np.ndenumerate(grid.to_numpy(float)):
            if np.isfinite(v):
                ax.text(j, i, f"{v:.0f}", ha="center", va="center", fontsize=6.5, color="white" if abs(v) > 0.6 * limit else "#111827")
        ax.spines[:].set_visible(False)
        fig.colorbar(image, ax=ax, shrink=0.8, label=value)
        ax.set_title(title, loc="left", fontsize=10)
        return fig


def top_items_chart(table: pd.DataFrame, item: str, value: str, *, title: str, top: int = 10, max_groups: int = 12) -> Figure:
    """For each group (up to ``max_groups``), its ``top`` items by ``value``, as horizontal bars."""
    with matplotlib.rc_context(STYLE):
        groups = list(dict.fromkeys(table["group"]))[:max_groups]
        cols = min(3, max(1, len(groups)))
        rows = int(np.ceil(len(groups) / cols)) or 1
        fig = Figure(figsize=(7.5, 0.4 + 2.2 * rows), layout="constrained")
        axes = fig.subplots(rows, cols, squeeze=False)
        for ax, group in zip(axes.flat, groups):
            part = table[(table["group"] == group) & (table[value] > 0)].nlargest(top, value)
            ax.barh(range(len(part)), part[value], color="#1d4ed8")
            ax.set_yticks(range(len(part)), part[item].astype(str), fontsize=7)
            ax.invert_yaxis()
            ax.set_title(_short(group, 30), fontsize=8, loc="left")
            ax.tick_params(axis="x", labelsize=7)
        for ax in list(axes.flat)[len(groups):]:
            ax.set_visible(False)
        fig.suptitle(title, x=0.01, ha="left", fontsize=10)
        return fig


def _short(text: str, width: int = 40) -> str:
    text = str(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def save_chart(fig: Figure, folder: Path, name: str) -> tuple[str, dict[str, Path]]:
    """Write ``<name>.svg`` and ``<name>.png`` in ``folder``; return the SVG for inlining, and the paths."""
    import io

    with matplotlib.rc_context(STYLE):
        svg = io.StringIO()
        fig.savefig(svg, format="svg", metadata={"Date": None})
        png = io.BytesIO()
        fig.savefig(png, format="png", dpi=150, metadata={"Software": None})
    text = svg.getvalue()
    paths = {f"{name}.svg": write_atomic(folder / f"{name}.svg", text),
             f"{name}.png": write_atomic(folder / f"{name}.png", png.getvalue())}
    return inline_svg(text, name), paths


def inline_svg(svg: str, prefix: str) -> str:
    """The ``<svg>`` element alone, with its ids prefixed so that several charts share a page."""
    start = svg.find("<svg")
    body = svg[start:]
    ids = set(re.findall(r'\bid="([^"]+)"', body))
    if ids:
        pattern = re.compile(r'(\bid="|url\(#|href="#)(' + "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True)) + r')(?=[")])')
        body = pattern.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", body)
    return body
