"""Charts of the report tables, with matplotlib (no screen needed), as SVG and PNG.

Each function takes a report table and returns a matplotlib ``Figure``, so a
notebook can show it or restyle it; :func:`save_chart` writes the SVG and PNG
files and returns the SVG text to inline in ``report.html``. SVG text is drawn
as paths (no font to fetch) and ids are made unique per chart, so several
charts live in one page.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from ..output import write_atomic
from .numbers import DEFAULT_LOCALE, format_number

COLOURS = {"individual": "#c2410c", "collective": "#1d4ed8", "collective_social": "#1d4ed8",
           "collective_labour": "#64748b", "mixed": "#7e22ce", "none": "#9ca3af",
           "isic_mode": "#047857", "communautaire": "#b45309", "groupes": "#0e7490", "dsl": "#15803d", "collectives": "#9d174d"}
STYLE = {"svg.fonttype": "path", "svg.hashsalt": "isic_nlp", "font.size": 9, "axes.spines.top": False,
         "axes.spines.right": False, "figure.dpi": 100}


def _colour(name: str, index: int) -> str:
    return COLOURS.get(name, matplotlib.colormaps["tab10"](index % 10))


def series_chart(table: pd.DataFrame, series: str, value: str, *, title: str, ylabel: str, percent: bool,
                 period_years: int, names: list[str] | None = None, locale: str = DEFAULT_LOCALE) -> Figure:
    """Small multiples over periods: one panel per value of ``series``, all on one scale.

    ``table`` has ``period_start``, ``series``, ``value``, ``low``, ``high`` and ``flagged``.
    In each panel the line and the interval band join the unflagged periods only;
    a flagged period (too few units) is a hollow point with a thin whisker, not
    joined to the line. The y-scale is set by the unflagged periods (all periods
    when every one is flagged): a flagged interval or point above it is cut at the
    top and ends in a triangle. Ticks are on the periods, labelled ``1970–74``.
    The legend sits under the panels, outside the data; each panel's SVG group has
    the id ``panel-<name>`` and the legend ``legend``.
    """
    with matplotlib.rc_context(STYLE):
        names = [n for n in (names or list(dict.fromkeys(table[series]))) if (table[series] == n).any()]
        table = table[table[series].isin(names)]  # series not drawn (the 'none' frame) do not set the scale
        scale = 100 if percent else 1
        cols = 1 if len(names) <= 1 else 2
        rows = max(1, int(np.ceil(len(names) / cols)))
        fig = Figure(figsize=(7.5, 1.1 + 1.9 * rows), layout="constrained")
        axes = fig.subplots(rows, cols, squeeze=False, sharex=True, sharey=True)
        top = _y_top(table, value, scale)
        starts = np.array(sorted(set(table["period_start"].dropna().astype(int))))
        centre = (period_years - 1) / 2
        for i, (ax, name) in enumerate(zip(axes.flat, names)):
            part = table[table[series] == name].sort_values("period_start")
            x = part["period_start"].to_numpy(float) + centre
            y, low, high = (part[c].to_numpy(float) * scale for c in (value, "low", "high"))
            flagged = part["flagged"].to_numpy(bool)
            _panel(ax, x, y, low, high, flagged, top, _colour(name, i))
            ax.set_gid(f"panel-{_gid(name)}")
            ax.set_title(str(name), loc="left", fontsize=9, color=_colour(name, i))
            ax.grid(axis="y", color="#e5e7eb", linewidth=0.6)
        for ax in list(axes.flat)[len(names):]:
            ax.set_visible(False)
        first = axes.flat[0]
        first.set_ylim(0, top)
        first.yaxis.set_major_formatter(FuncFormatter(lambda v, _: format_number(v, locale=locale, digits=0 if top >= 5 else 1)))
        _period_ticks(axes, starts, period_years, rows, len(names))
        fig.supylabel(ylabel, fontsize=9)
        fig.suptitle(title, x=0.01, ha="left", fontsize=10)
        flagged = table["flagged"].astype(bool)
        cut = ((table[["high", value]].to_numpy(float) * scale) > top).any(axis=1) & flagged.to_numpy()
        handles = _legend_handles()[: 2 + bool(flagged.any()) + bool(cut.any())]
        legend = fig.legend(handles=handles, frameon=False, ncols=4, loc="outside lower center", fontsize=8)
        legend.set_gid("legend")
        return fig


def _y_top(table: pd.DataFrame, value: str, scale: float) -> float:
    """The top of the y-axis: 8 % above the highest estimate or interval bound of the unflagged periods."""
    shown = table[~table["flagged"].astype(bool)]
    if not len(shown):
        shown = table
    values = shown[[value, "high"]].to_numpy(float) * scale
    peak = float(np.nanmax(values)) if np.isfinite(values).any() else 0.0
    return peak * 1.08 if peak > 0 else 1.0


def _panel(ax, x, y, low, high, flagged, top: float, colour: str) -> None:
    """One series: line and band over unflagged periods, hollow points and whiskers for flagged ones, cut at ``top``."""
    kept = ~flagged
    line = np.where(kept, y, np.nan)  # NaN breaks the line: flagged periods are not joined to it
    ax.fill_between(x, low, high, where=kept, color=colour, alpha=0.18, linewidth=0, interpolate=False)
    # An unflagged period with no unflagged neighbour has no band: a whisker instead.
    alone = kept & ~np.r_[False, kept[:-1]] & ~np.r_[kept[1:], False]
    ax.vlines(x[alone], low[alone], high[alone], color=colour, alpha=0.5, linewidth=1.2)
    ax.plot(x, line, color=colour, linewidth=1.6)
    ax.scatter(x[kept], y[kept], color=colour, s=14, zorder=3)
    cut_high = np.minimum(high, top)
    ax.vlines(x[flagged], np.minimum(low[flagged], top), cut_high[flagged], color=colour, alpha=0.45, linewidth=0.8)
    ax.scatter(x[flagged], np.minimum(y[flagged], top), facecolors="white", edgecolors=colour, s=16, linewidths=1.0, zorder=3)
    cut = (high > top) | (y > top)
    if cut.any():
        ax.scatter(x[cut], np.full(cut.sum(), top), marker="^", color=colour, alpha=0.6, s=14, zorder=4, clip_on=False)


def _period_ticks(axes, starts: np.ndarray, period_years: int, rows: int, n_panels: int) -> None:
    """A tick on each period (labelled ``1970–74``, or ``1970`` for one-year periods); at most ~14 labels."""
    if not len(starts):
        return
    centre = (period_years - 1) / 2
    step = max(1, int(np.ceil(len(starts) / 14)))
    labels = [_period_label(int(s), period_years) if k % step == 0 else "" for k, s in enumerate(starts)]
    many = len(starts) / step > 6
    for k, ax in enumerate(axes.flat):
        if k >= n_panels:
            continue
        ax.set_xticks(starts + centre, labels, rotation=90 if many else 0, fontsize=7)
        ax.set_xlim(starts[0] - period_years / 2, starts[-1] + period_years - 1 + period_years / 2)
        # Panels whose lower neighbour is hidden show their own labels (sharex hides them otherwise).
        if k + axes.shape[1] >= n_panels:
            ax.tick_params(axis="x", labelbottom=True)


def _period_label(start: int, years: int) -> str:
    if years <= 1:
        return str(start)
    end = start + years - 1
    return f"{start}–{end % 100:02d}" if end // 100 == start // 100 else f"{start}–{end}"


def _legend_handles() -> list:
    grey = "#374151"
    return [Line2D([], [], color=grey, marker="o", markersize=4, linewidth=1.6, label="period with enough units"),
            Patch(facecolor=grey, alpha=0.18, label="interval"),
            Line2D([], [], color=grey, marker="o", markersize=4, markerfacecolor="white", linewidth=0,
                   label="flagged: too few units"),
            Line2D([], [], color=grey, marker="^", markersize=4, linewidth=0, alpha=0.6, label="interval cut at the top")]


def _gid(name: Any) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", str(name)).strip("-") or "series"


def grouped_bars(table: pd.DataFrame, series: str, *, title: str, names: list[str] | None = None,
                 locale: str = DEFAULT_LOCALE) -> Figure:
    """Share of each ``series`` value per group: one panel per value (small multiples), bars with interval whiskers.

    The panels share the groups (rows, named once on the left) and the x-scale;
    each panel's SVG group has the id ``panel-<name>``.
    """
    with matplotlib.rc_context(STYLE):
        groups = list(dict.fromkeys(table["group"]))
        names = [n for n in (names or list(dict.fromkeys(table[series]))) if (table[series] == n).any()]
        cols = max(1, min(5, len(names)))
        rows = max(1, int(np.ceil(len(names) / cols)))
        fig = Figure(figsize=(7.5, rows * (0.5 + 0.3 * len(groups)) + 0.6), layout="constrained")
        axes = fig.subplots(rows, cols, squeeze=False, sharex=True, sharey=True)
        y = np.arange(len(groups))
        top = 0.0
        for i, (ax, name) in enumerate(zip(axes.flat, names)):
            part = table[table[series] == name].set_index("group").reindex(groups)
            share, low, high = (part[c].to_numpy(float) * 100 for c in ("share", "low", "high"))
            err = np.nan_to_num(np.vstack([share - low, high - share]))
            colour = _colour(name, i)
            ax.barh(y, share, height=0.7, color=colour, xerr=err,
                    error_kw={"elinewidth": 0.8, "ecolor": "#111827", "capsize": 1.5})
            ax.set_gid(f"panel-{_gid(name)}")
            # Narrow panels: "collective_social" on two lines rather than over the next panel's title.
            ax.set_title(textwrap.fill(str(name).replace("_", " "), 14), loc="left", fontsize=8.5, color=colour)
            ax.grid(axis="x", color="#e5e7eb", linewidth=0.6)
            ax.set_axisbelow(True)
            ax.tick_params(axis="x", labelsize=7)
            top = max(top, float(np.nanmax(np.r_[high, share, 0.0])))
        for ax in list(axes.flat)[len(names):]:
            ax.set_visible(False)
        first = axes.flat[0]
        first.set_yticks(y, [_short(g) for g in groups])
        first.invert_yaxis()
        first.set_xlim(0, top * 1.05 if top > 0 else 1)
        first.xaxis.set_major_formatter(FuncFormatter(lambda v, _: format_number(v, locale=locale, digits=0)))
        fig.supxlabel("% of units", fontsize=9)
        fig.suptitle(title, x=0.01, ha="left", fontsize=10)
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
                ax.text(j, i, str(int(round(v))).replace("-", "\u2212"), ha="center", va="center", fontsize=6.5, color="white" if abs(v) > 0.6 * limit else "#111827")
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
            ax.set_title(_short(group, 26), fontsize=8, loc="left")
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
