"""Writing a report: ``report.html`` (self-contained), ``report.md``, tables, charts, manifest.

The folder holds::

    report.html  report.md  manifest.json  errors.csv
    tables/<name>.csv, tables/<name>.parquet      every table behind the report
    charts/<name>.svg, charts/<name>.png          every chart, for papers
    data/units.*, data/mentions.*                 every unit and mention the counts come from

Everything is written atomically; the manifest, last, lists each file's SHA-256.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import numbers
from pathlib import Path
from typing import Any

import jinja2
import numpy as np
import pandas as pd
from markupsafe import Markup

from .._version import __version__
from ..classify.labels import MODES
from .data import REPORT_FRAMES as FRAMES
from ..output import output_folder, sha256_file, write_atomic, write_table, write_tables
from ..shipped import data_file, data_folder
from . import charts
from .compare import CompareReport
from .numbers import DEFAULT_LOCALE, check_locale, format_interval, format_number, format_percent, format_value
from .trend import ALL, TrendReport

Report = TrendReport | CompareReport

FLAGGED_HOW = ("Hollow points, not joined to the line, are periods with too few units (flagged): shown with their "
               "interval, but not used for the trend and not setting the scale; an interval cut at the top of a panel "
               "ends in a triangle.")
HOW_TO_READ = {
    "frames": "One panel per frame, all on the same scale: the line is the share of units the classifier gives that "
              "frame, per period, and the band its {conf} interval. " + FLAGGED_HOW,
    "rates": "One panel per label: counted mentions (not negated, quoted, repealed or false friends) per 10,000 tokens, "
             "per period; the band resamples whole documents, so a few long texts cannot make it look precise. " + FLAGGED_HOW,
    "modes": "One panel per ISIC mode, all on the same scale: share of units the classifier gives that mode (a unit can "
             "have several), with its {conf} interval. " + FLAGGED_HOW,
    "group_frames": "One panel per frame or mode, all on the same scale: the share of units of each group; whiskers are "
                    "{conf} intervals. The tables give each group's difference "
                    "against the rest with its own interval and a corrected p-value (q).",
    "label_keyness": "Each cell is the log-odds z-score of a label in a group against the rest (informative Dirichlet "
                     "prior): red = used more than elsewhere, blue = less; |z| > 1.96 is about p < 0.05 before correction.",
    "lemma_keyness": "The lemmas most specific to each group (Lafon's specificity: −log10 of the hypergeometric "
                     "probability of seeing that many or more; 2 ≈ p = 0.01, 3 ≈ p = 0.001).",
}


def write_report(report: Report, out_dir: str | Path, *, locale: str = DEFAULT_LOCALE) -> dict[str, Path]:
    """Write every output of ``report`` in ``out_dir`` (whole: see ``output_folder``); the files by relative name.

    ``locale``: how numbers are written in report.html, report.md and the charts' axes: ``"en"`` (1,234.5;
    12.3%, the default, as the report's text is English) or ``"fr"`` (1 234,5; 12,3 %). Years and ids are
    never grouped; the CSV and Parquet tables are the same whatever the locale.
    """
    check_locale(locale)
    with output_folder(out_dir) as out:
        written = _write_report(report, out, locale)
    return {name: Path(out_dir) / name for name in written}


def _write_report(report: Report, out: Path, locale: str) -> dict[str, Path]:
    tables = {name: _plain(table) for name, table in report.tables().items()}
    written = {f"tables/{name}": path for name, path in write_tables(tables, out / "tables").items()}
    data = {"units": report.data.units, "mentions": report.data.mentions}
    written.update({f"data/{name}": path for name, path in write_tables(data, out / "data").items()})
    written["errors.csv"] = write_table(report.data.errors, out / "errors.csv")
    figures = _charts(report, locale)
    inlined = []
    for name, (title, fig, how) in figures.items():
        svg, paths = charts.save_chart(fig, out / "charts", name)
        written.update({f"charts/{k}": v for k, v in paths.items()})
        inlined.append((name, title, svg, how))
    written["report.html"] = write_atomic(out / "report.html", _html(report, inlined, locale))
    written["report.md"] = write_atomic(out / "report.md", _markdown(report, list(figures), locale))
    manifest = _manifest(report, written, out)
    manifest["locale"] = locale
    written["manifest.json"] = write_atomic(out / "manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False, default=str))
    return written


def _plain(table: pd.DataFrame) -> pd.DataFrame:
    """Object columns mixing types (e.g. facet values) as text, so Parquet accepts them."""
    table = table.copy()
    for column in table.columns:
        if table[column].dtype == object:
            table[column] = table[column].map(lambda v: v if v is None or isinstance(v, str) else str(v))
    return table


# --- Charts ---------------------------------------------------------------------------


def _charts(report: Report, locale: str = DEFAULT_LOCALE) -> dict[str, tuple[str, Any, str]]:
    conf = format_percent(report.params["confidence"], locale=locale)
    figures: dict[str, tuple[str, Any, str]] = {}
    if isinstance(report, TrendReport):
        width = report.params["period_years"]
        for facet in dict.fromkeys(report.periods["facet"]):
            suffix = "" if facet == ALL else f"_{_slug(facet)}"
            label = "" if facet == ALL else f" — {facet}"
            frames = report.frames[report.frames["facet"] == facet]
            if len(frames):
                title = f"Frame shares per period{label}"
                fig = charts.series_chart(frames, "frame", "share", title=title, ylabel="% of units", percent=True,
                                          period_years=width, names=[f for f in FRAMES if f != "none"], locale=locale)
                figures[f"frames{suffix}"] = (title, fig, HOW_TO_READ["frames"].format(conf=conf))
            if facet != ALL:
                continue
            rates = report.rates[(report.rates["facet"] == facet) & report.rates["label"].isin(["individual", "collective", "collective_labour", "isic_mode"])]
            if len(rates):
                title = "Counted mentions per 10,000 tokens"
                fig = charts.series_chart(rates, "label", "rate", title=title, ylabel="per 10,000 tokens", percent=False, period_years=width, locale=locale)
                figures["rates"] = (title, fig, HOW_TO_READ["rates"])
            modes = report.modes[report.modes["facet"] == facet]
            if len(modes):
                title = "ISIC modes: share of units per period"
                fig = charts.series_chart(modes, "mode", "share", title=title, ylabel="% of units", percent=True, period_years=width, locale=locale)
                figures["modes"] = (title, fig, HOW_TO_READ["modes"].format(conf=conf))
    else:
        by = report.params["by"]
        if len(report.frames):
            title = f"Frame shares by {by}"
            figures["frames"] = (title, charts.grouped_bars(report.frames, "frame", title=title, names=list(FRAMES), locale=locale),
                                 HOW_TO_READ["group_frames"].format(conf=conf))
        if len(report.modes):
            title = f"ISIC modes by {by}"
            figures["modes"] = (title, charts.grouped_bars(report.modes, "mode", title=title, names=list(MODES), locale=locale),
                                HOW_TO_READ["group_frames"].format(conf=conf))
        labels = report.keyness_labels
        if len(labels):
            title = f"Keyness of lexicon labels by {by} (log-odds z)"
            figures["label_keyness"] = (title, charts.keyness_heatmap(labels, "label", "z", title=title), HOW_TO_READ["label_keyness"])
        if len(report.keyness_lemmas):
            title = f"Most specific lemmas by {by}"
            figures["lemma_keyness"] = (title, charts.top_items_chart(report.keyness_lemmas, "lemma", "specificity", title=title),
                                        HOW_TO_READ["lemma_keyness"])
    return figures


def _slug(value: Any) -> str:
    text = "".join(c if c.isalnum() else "-" for c in str(value).lower()).strip("-")
    return "-".join(filter(None, text.split("-")))[:40] or "value"


# --- HTML and Markdown, from the templates reports/report.html.j2 and report.md.j2 -----------


@functools.cache
def _templates() -> jinja2.Environment:
    """The report templates (shipped in ``reports/``); HTML autoescaped, Markdown cells escaped by ``md``."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(data_folder("reports"))),
        autoescape=lambda name: bool(name) and name.endswith(".html.j2"),
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )
    env.filters["md"] = lambda text: str(text).replace("|", "\\|").replace("\n", " ")
    return env


def _css() -> str:
    """The report's style sheet (``reports/report.css``), to inline."""
    return data_file("reports", "report.css").read_text(encoding="utf-8")


def _page(report: Report, locale: str, charts_shown: list[dict[str, Any]]) -> dict[str, Any]:
    """What both templates show: the same content, numbers formatted for ``locale``."""
    p = report.params
    trend_report = isinstance(report, TrendReport)
    return {
        "kind": "Trend" if trend_report else "Comparison", "locale": locale, "version": __version__,
        "n_units": format_value(p["n_units"], locale=locale), "unit": p["unit"], "seed": p["seed"],
        "inputs": _input_names(report), "summary": report.summary, "charts": charts_shown,
        "tables": [_shown(title, table, csv, locale) for title, table, csv in _main_tables(report, locale)],
        "examples": p["examples"], "per": "period" if trend_report else "group",
        "evidence": [{"name": str(group), "n": len(part), "rows": [_evidence_row(r) for r in part.itertuples(index=False)]}
                     for group, part in report.evidence.groupby("group", sort=True)],
        "methods": _methods(report, locale),
    }


def _html(report: Report, inlined: list[tuple[str, str, str, str]], locale: str = DEFAULT_LOCALE) -> str:
    charts_shown = [{"name": name, "title": title, "svg": Markup(svg), "how": how} for name, title, svg, how in inlined]
    page = _page(report, locale, charts_shown)
    return _templates().get_template("report.html.j2").render(css=Markup(_css()), **page)


def _markdown(report: Report, chart_names: list[str], locale: str = DEFAULT_LOCALE) -> str:
    page = _page(report, locale, [{"name": name} for name in chart_names])
    return _templates().get_template("report.md.j2").render(**page)


def _shown(title: str, table: pd.DataFrame, csv: str, locale: str, limit: int = 60) -> dict[str, Any]:
    """A table as the templates show it: its first ``limit`` rows, each cell formatted once for ``locale``."""
    shown = table.head(limit)
    flagged = shown["flagged"].to_numpy(bool) if "flagged" in shown else [False] * len(shown)
    rows = [{"flagged": bool(is_flagged),
             "cells": [_cell(v, c, locale) for v, c in zip(values, shown.columns)]}
            for values, is_flagged in zip(shown.itertuples(index=False), flagged)]
    more = format_value(len(table) - limit, locale=locale) if len(table) > limit else ""
    return {"title": title, "id": csv, "csv": csv, "columns": [str(c) for c in shown.columns], "rows": rows,
            "more": more, "fit": csv in READABLE_TABLES}


def _cell(value: Any, column: Any, locale: str) -> dict[str, Any]:
    """A formatted cell; ``long`` text may wrap in the readable tables (short cells such as intervals do not)."""
    text = format_value(value, column, locale=locale)
    return {"text": text, "numeric": _is_number(value), "long": len(text) > 24}


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def _evidence_row(r: Any) -> dict[str, str]:
    return {"label": str(r.label), "left": str(r.left), "match": str(r.match), "right": str(r.right), "unit_id": str(r.unit_id),
            "date": str(r.date or ""), "entry_id": str(r.entry_id), "lexicon": str(r.lexicon), "lexicon_version": str(r.lexicon_version)}


def _input_names(report: Report) -> list[str]:
    return list(dict.fromkeys(report.data.units["input"].astype(str))) if "input" in report.data.units else []


#: Tables shown with readable column names and interval cells, fitted to the page (the CSV keeps every column).
READABLE_TABLES = ("slopes", "date_sensitivity")


def _main_tables(report: Report, locale: str = DEFAULT_LOCALE) -> list[tuple[str, pd.DataFrame, str]]:
    if isinstance(report, TrendReport):
        whole = report.frames[report.frames["facet"] == ALL]
        out = []
        if len(report.slopes):
            out.append(("Trend per frame (unflagged periods)", _readable_slopes(report.slopes, report.params, locale), "slopes"))
        if len(whole):
            wide = _wide(whole, ["period", "flagged"], "frame", locale)
            n = report.periods[report.periods["facet"] == ALL].set_index("period")["n_units"]
            wide.insert(1, "n_units", wide["period"].map(n))
            out.append(("Frame shares per period (all units)", wide, "frames"))
            if "ppi_share" in whole and whole["ppi_share"].notna().any():
                corrected = whole.drop(columns=["share", "low", "high"]).rename(columns={"ppi_share": "share", "ppi_low": "low", "ppi_high": "high"})
                out.append(("Frame shares per period corrected for classifier error (PPI++)",
                            _wide(corrected, ["period", "flagged"], "frame", locale), "frames"))
        out.append(("Units per period", report.periods, "periods"))
        composition = getattr(report, "composition", None)
        if composition is not None and len(composition):
            out.append(("Composition: clusters per period", _round(composition[composition["facet"] == ALL]), "composition"))
            out.append(("Clusters contributing most units", _round(report.top_clusters), "top_clusters"))
        text_level = getattr(report, "text_level", None)
        if text_level is not None and len(text_level):
            out.append(("Frame shares per period, every cluster weighing the same",
                        _wide(text_level[text_level["facet"] == ALL], ["period", "flagged"], "frame", locale), "text_level"))
        codification = getattr(report, "codification", None)
        if codification is not None and len(codification):
            out.append(("Codification and recodification texts (reports/codification.yaml, or texts that created "
                        f"more than {report.params.get('codification_threshold')} documents)", codification, "codification"))
        sensitivity = getattr(report, "date_sensitivity", None)
        if sensitivity is not None and len(sensitivity):
            out.append(("The same trends under each date definition (logistic slope, cluster-robust interval)",
                        _readable_sensitivity(sensitivity, report.params, locale), "date_sensitivity"))
        out.append(("Dates", report.dates, "dates"))
        return out
    out = [("Groups", report.groups, "groups")]
    if len(report.frames):
        out.append(("Frame shares by group", _round(report.frames.drop(columns=["interval"])), "frames"))
        out.append(("Tests of difference", _round(report.tests), "tests"))
    keep = ["group", "label", "side", "k", "rate_group", "rate_rest", "g2", "g2_q", "specificity", "specificity_q", "log_odds", "z"]
    out.append(("Keyness of labels", _round(report.keyness_labels[keep]), "keyness_labels"))
    lemmas = report.keyness_lemmas
    if len(lemmas):
        top = lemmas[lemmas["specificity"] > 0].groupby("group", sort=True).head(10)
        out.append(("Most specific lemmas (10 per group)", _round(top[["group", "lemma", "k", "K", "g2", "g2_q", "specificity", "specificity_q", "z"]]), "keyness_lemmas"))
    return out


def _readable_slopes(slopes: pd.DataFrame, params: dict, locale: str) -> pd.DataFrame:
    """The slope table for a reader: named columns, each estimate with its interval in one cell, checks in words."""
    conf = format_percent(params["confidence"], locale=locale)

    def interval(row: dict, value: str, low: str, high: str, digits: int = 1) -> str:
        return format_interval(_num(row.get(value)), _num(row.get(low)), _num(row.get(high)), locale=locale, digits=digits, signed=True)

    rows = []
    for r in slopes.to_dict("records"):
        checks = [("Sen's slope", interval(r, "sen_points_per_decade", "sen_low", "sen_high")
                   + (" (opposite sign)" if r.get("sen_agrees") is False or r.get("sen_agrees") == 0 else "")),
                  ("Mann–Kendall τ", _tau(r.get("mk_tau"), r.get("mk_p_value"), locale)),
                  ("text-level", interval(r, "text_points_per_decade", "text_low", "text_high")),
                  ("mean probability", interval(r, "prob_points_per_decade", "prob_low", "prob_high"))]
        if pd.notna(r.get("ppi_points_per_decade")):
            checks.append((f"PPI++ ({format_value(r.get('n_labelled'), locale=locale)} labelled)",
                           interval(r, "ppi_points_per_decade", "ppi_low", "ppi_high")))
        status = str(r.get("status"))
        if isinstance(r.get("interval"), str) and r["interval"]:
            failed = r.get("n_failed") if status == "ok" and _num(r.get("n_failed")) else None
            status += f"; {r['interval']}" + (f", {format_value(failed, locale=locale)} refits failed" if failed else "")
        rows.append({
            "Facet": r.get("facet"), "Frame": r.get("frame"),
            "Years (periods)": f"{_years(r.get('first_year'), r.get('last_year'))} ({format_value(r.get('n_periods'), locale=locale)})",
            "Units (clusters)": f"{format_value(r.get('n_units'), locale=locale)} ({format_value(r.get('n_clusters'), locale=locale)})",
            f"Points per decade [{conf} CI]": interval(r, "points_per_decade", "points_low", "points_high"),
            f"Log-odds per decade [{conf} CI]": interval(r, "log_odds_per_decade", "log_odds_low", "log_odds_high", 2)
            + (f" (odds ratio {format_number(_num(r['odds_ratio_per_decade']), locale=locale, digits=2)})"
               if _num(r.get("odds_ratio_per_decade")) is not None else ""),
            "p (q)": _p_and_q(r.get("wald_p_value"), r.get("q_value"), locale),
            "Checks (slopes in points per decade)": "; ".join(f"{name} {text}" for name, text in checks if text),
            "Status": status,
        })
    return pd.DataFrame(rows)


def _readable_sensitivity(table: pd.DataFrame, params: dict, locale: str) -> pd.DataFrame:
    """The date-sensitivity table for a reader (the CSV keeps every column)."""
    conf = format_percent(params["confidence"], locale=locale)
    return pd.DataFrame([{
        "Date field": r.get("date_field"), "Meaning": r.get("meaning"), "Frame": r.get("frame"),
        "Units": format_value(r.get("n_units"), locale=locale), "Years": _years(r.get("first_year"), r.get("last_year")),
        "Points per decade": format_number(_num(r.get("points_per_decade")), locale=locale, signed=True),
        f"Log-odds per decade [{conf} CI]": format_interval(_num(r.get("log_odds_per_decade")), _num(r.get("log_odds_low")),
                                                           _num(r.get("log_odds_high")), locale=locale, digits=2, signed=True),
        "p (cluster-robust)": format_value(r.get("p_value"), locale=locale),
    } for r in table.to_dict("records")])


def _tau(tau: Any, p: Any, locale: str) -> str:
    """Kendall's τ of the Mann–Kendall test with its p-value: ``0.6 (p 0.1361)``; empty when missing."""
    tau_text = format_number(_num(tau), locale=locale, digits=2, signed=True)
    return f"{tau_text} (p {format_value(p, locale=locale)})" if tau_text and _num(p) is not None else tau_text


def _p_and_q(p: Any, q: Any, locale: str) -> str:
    """The cluster-robust p-value and its Benjamini–Hochberg q-value: ``0.01589 (0.03177)``."""
    p, q = format_value(p, locale=locale), format_value(q, locale=locale)
    return f"{p} ({q})" if p and q else p


def _num(value: Any) -> float | None:
    """A number for the formatting functions, ``None`` when missing."""
    return None if value is None or pd.isna(value) else float(value)


def _years(first: Any, last: Any) -> str:
    first, last = (format_value(v, "year") for v in (first, last))
    return f"{first}–{last}" if first and last and first != last else first or last


def _wide(table: pd.DataFrame, index: list[str], column: str, locale: str = DEFAULT_LOCALE) -> pd.DataFrame:
    """``share [low–high]`` per period (rows) and frame (columns), in %."""
    cells = table.assign(cell=[format_interval(s, lo, hi, locale=locale, digits=0, percent=True) if pd.notna(s) else ""
                               for s, lo, hi in zip(table["share"], table["low"], table["high"])])
    return cells.pivot(index=index, columns=column, values="cell").reset_index().rename_axis(columns=None)


def _round(table: pd.DataFrame) -> pd.DataFrame:
    return table.round(4)


def _methods(report: Report, locale: str = DEFAULT_LOCALE) -> list[tuple[str, str]]:
    """The methods section as (heading, text) pairs, shared by the HTML and Markdown reports."""
    p = report.params
    n = functools.partial(format_value, locale=locale)
    prov = report.data.provenance
    conf = format_percent(p['confidence'], locale=locale)
    out = []
    inputs = prov.get("inputs") or []
    out.append(("Corpus", f"{n(p['n_units'])} units ({p['unit']}) from {n(p['n_documents'])} documents; "
                f"{n(len(report.data.errors[report.data.errors['severity'] == 'error']))} input records could not be used "
                "(errors.csv). Inputs: " + ("; ".join(f"{i['file']} (SHA-256 {i['sha256'][:12]}…)" for i in inputs) or "in memory") + "."))
    lexicons = prov.get("lexicons") or []
    out.append(("Pipeline and lexicons", f"spaCy pipeline '{prov.get('pipeline')}' ({', '.join(prov.get('pipe_names') or [])}); "
                f"isic_nlp {prov.get('isic_nlp_version')}, spaCy {prov.get('spacy_version')}. Lexicons: "
                + "; ".join(f"{x.get('name')} {x.get('version')} (SHA-256 {str(x.get('sha256'))[:12]}…)" for x in lexicons) + "."))
    model = prov.get("model")
    if model:
        cv = (model.get("cv_scores") or {}).get("frame", {})
        out.append(("Classifier", f"Model SHA-256 {str(model.get('model_sha256'))[:12]}…, trained on "
                    f"{(model.get('training_data') or {}).get('n_units', '?')} labelled units "
                    f"(data SHA-256 {str((model.get('training_data') or {}).get('sha256'))[:12]}…); nested cross-validated "
                    f"macro-F1 (individual, collective, none) {format_number(cv.get('macro_f1_main', float('nan')), locale=locale, digits=3)}. Each unit gets the "
                    "frame of highest probability and every mode whose probability reaches the threshold "
                    f"({model.get('threshold')})."))
    elif "frame" in report.data.units:
        out.append(("Classifier", "Frames and modes were read from the classify outputs given as input."))
    if isinstance(report, TrendReport):
        out.append(("Dates", f"Field '{p['date_field']}' (see the Dates table for its meanings); a year is read from "
                    "yyyy-mm-dd dates or year numbers. Note for LEGI codes: texts are the current consolidated versions and "
                    "repealed articles are absent, so early years are under-represented and reflect today's wording."))
        out.append(("Periods", f"{p['period_years']}-year periods. A period with fewer than {p['min_units']} units is flagged: "
                    "shown in tables and charts (hollow points, grey rows) but left out of the trend estimates and the summary."))
        clusters = _clusters_text(p, locale)
        out.append(("Intervals", f"{conf} intervals. {clusters} Frame and mode shares: Wilson score interval when each "
                    f"cluster holds one unit; otherwise a percentile bootstrap resampling whole clusters ({n(p['n_boot'])} "
                    f"draws, seed {p['seed']}); a share of 0 % or 100 % there gets a Wilson interval with one observation per "
                    "cluster (a bootstrap would give it zero width). Mention rates (counted mentions per 10,000 tokens): "
                    "percentile bootstrap resampling clusters, never tokens; a rate of 0 gets the exact Poisson upper bound "
                    "of zero mentions in its tokens. The composition tables give the units and clusters of each period "
                    "and the clusters that contribute most; the text-level table gives each period's shares when every "
                    "cluster weighs the same (the mean of the clusters' own shares)."))
        out.append(("Trend", "For each frame, a binomial logistic regression of the frame (0/1 per unit) on the year over the "
                    "unflagged periods; the slope is given in log-odds per decade and as the average marginal effect in "
                    f"percentage points per decade, both with {conf} percentile intervals from a bootstrap over clusters "
                    f"({n(p['n_boot'])} draws; refits that fail are counted in n_failed), and a cluster-robust (CR1 sandwich) "
                    "Wald p-value, with Benjamini–Hochberg q-values over the facet slopes. As checks: the Mann–Kendall test "
                    "and Sen's slope on the period shares (every period weighted alike; a sign opposite to the logistic slope "
                    "is reported as a disagreement), a text-level slope (least squares through the clusters' shares, every "
                    "cluster weighted alike) and the slope of the mean probability (cluster-robust OLS). "
                    f"No slope is given over fewer than {p.get('min_periods', 4)} periods or {p.get('min_clusters', 10)} "
                    f"clusters, and no interval when more than {format_percent(p.get('max_failed', 0.05), locale=locale)} of the refits fail "
                    "(column status)."))
        out.append(("Classifier error", _ppi_text(p, conf, locale)))
    else:
        out.append(("Groups", f"Groups are the values of '{p['by']}' (missing values form the group '(no value)'). Each group is "
                    "compared with all the other units."))
        out.append(("Shares and tests", f"{conf} intervals as in the trend report (Wilson, or a bootstrap over clusters). "
                    + _clusters_text(p, locale) + " Difference against the rest: "
                    + ("with a cluster-robust standard error (each unit's influence summed within its cluster), Wald "
                       "interval and z test" if p.get("clustered") else "Newcombe's hybrid score interval, two-proportion z test")
                    + "; Cohen's h. Group × frame: χ² test of independence with Cramér's V"
                    + (" (it treats units as independent: its p-value is optimistic when clusters are large), and a "
                       "cluster-robust Wald test of the same hypothesis (cluster_wald, cluster_p_value: group shares "
                       "compared with a covariance summed within clusters), which the summary uses." if p.get("clustered") else ".")))
        out.append(("Classifier error", _ppi_text(p, conf, locale)))
        out.append(("Keyness", "Each group against the rest of the corpus, on lexicon labels (counted mentions against tokens) "
                    f"and on lemmas (alphabetic, not stop words, seen at least {p['min_count']} times): log-likelihood G² "
                    "(signed: + when over-used), Lafon's specificity (−log10 of the hypergeometric tail probability, negative "
                    "when under-used; the statistic of TXM and IRaMuTeQ), and the log-odds ratio with an informative Dirichlet "
                    "prior (Monroe, Colaresi & Quinn 2008; the prior is the corpus frequency of each item shrunk to 1,000 "
                    "pseudo-tokens) with its z-score. q-values: Benjamini–Hochberg within each table "
                    "(two-sided for specificities)."))
    out.append(("Reproducibility", f"Seed {p['seed']}: the same inputs and seed give the same numbers. Every count comes from "
                "data/units.csv (one row per unit, with its frame, probabilities and mention counts) and data/mentions.csv "
                "(one row per mention with its document, unit, lexicon entry and version); manifest.json lists versions, "
                "parameters and the SHA-256 of every file."))
    return out


def _clusters_text(p: dict, locale: str = DEFAULT_LOCALE) -> str:
    n = functools.partial(format_value, locale=locale)
    field = p.get("cluster", "doc_id")
    what = "creating text" if field.startswith("creating_text") else ("document" if field == "doc_id" else f"value of '{field}'")
    return (f"Units are clustered by {what} (field '{field}', {n(p.get('n_clusters', 0))} clusters): the units of one cluster "
            "are resampled together and their scores summed, never taken as independent.")


def _ppi_text(p: dict, conf: str, locale: str = DEFAULT_LOCALE) -> str:
    n = functools.partial(format_value, locale=locale)
    if p.get("n_labelled"):
        return (f"{n(p['n_labelled'])} units with a gold frame correct the shares and slopes by prediction-powered inference "
                "(PPI++: Angelopoulos, Duchi & Zrnic 2023; the mean of the model's probability over all units plus the mean "
                "gold-minus-probability error over the labelled ones, with a power-tuning weight), within each period (or "
                "group), with cluster-robust variances and Student's t on the labelled clusters; the slope is a PPI++ "
                "least-squares line on the 0/1 frame with labels weighted by period (N_h/n_h). The labelled units are "
                f"taken as drawn at random within each period or group. {conf} intervals (ppi_share, ppi_low, ppi_high).")
    return ("No labelled sample was given: shares are classify-and-count figures, not corrected for the classifier's "
            "errors, which may differ between periods. mean_probability (and the mean-probability slope) is the "
            "estimate of a calibrated model.")


# --- Manifest -------------------------------------------------------------------------


def _manifest(report: Report, written: dict[str, Path], out: Path) -> dict[str, Any]:
    return {
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "report": report.params["report"],
        "isic_nlp_version": __version__,
        "parameters": report.params,
        "provenance": report.data.provenance,
        "summary": report.summary,
        "outputs": {name: sha256_file(path) for name, path in sorted(written.items())},
    }

