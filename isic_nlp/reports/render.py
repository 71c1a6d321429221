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
import html
import json
from pathlib import Path
from typing import Any

import pandas as pd

from .._version import __version__
from ..classify.labels import MODES
from .data import REPORT_FRAMES as FRAMES
from ..output import output_folder, sha256_file, write_atomic, write_table, write_tables
from ..shipped import data_file
from . import charts
from .compare import CompareReport
from .trend import ALL, TrendReport

Report = TrendReport | CompareReport

HOW_TO_READ = {
    "frames": "Each line is the share of units the classifier gives that frame, per period; the band is its "
              "{conf} interval. Hollow points are periods with too few units (flagged): they are shown, not used for the trend.",
    "rates": "Counted mentions (not negated, quoted, repealed or false friends) per 10,000 tokens, per period; the band "
             "resamples whole documents, so a few long texts cannot make it look precise.",
    "modes": "Share of units the classifier gives each ISIC mode (a unit can have several), with its {conf} interval.",
    "group_frames": "Share of units per group; whiskers are {conf} intervals. The tables give each group's difference "
                    "against the rest with its own interval and a corrected p-value (q).",
    "label_keyness": "Each cell is the log-odds z-score of a label in a group against the rest (informative Dirichlet "
                     "prior): red = used more than elsewhere, blue = less; |z| > 1.96 is about p < 0.05 before correction.",
    "lemma_keyness": "The lemmas most specific to each group (Lafon's specificity: −log10 of the hypergeometric "
                     "probability of seeing that many or more; 2 ≈ p = 0.01, 3 ≈ p = 0.001).",
}


def write_report(report: Report, out_dir: str | Path) -> dict[str, Path]:
    """Write every output of ``report`` in ``out_dir`` (whole: see ``output_folder``); the files by relative name."""
    with output_folder(out_dir) as out:
        written = _write_report(report, out)
    return {name: Path(out_dir) / name for name in written}


def _write_report(report: Report, out: Path) -> dict[str, Path]:
    tables = {name: _plain(table) for name, table in report.tables().items()}
    written = {f"tables/{name}": path for name, path in write_tables(tables, out / "tables").items()}
    data = {"units": report.data.units, "mentions": report.data.mentions}
    written.update({f"data/{name}": path for name, path in write_tables(data, out / "data").items()})
    written["errors.csv"] = write_table(report.data.errors, out / "errors.csv")
    figures = _charts(report)
    inlined = []
    for name, (title, fig, how) in figures.items():
        svg, paths = charts.save_chart(fig, out / "charts", name)
        written.update({f"charts/{k}": v for k, v in paths.items()})
        inlined.append((name, title, svg, how))
    written["report.html"] = write_atomic(out / "report.html", _html(report, inlined))
    written["report.md"] = write_atomic(out / "report.md", _markdown(report, list(figures)))
    manifest = _manifest(report, written, out)
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


def _charts(report: Report) -> dict[str, tuple[str, Any, str]]:
    conf = f"{report.params['confidence']:.0%}"
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
                                          period_years=width, names=[f for f in FRAMES if f != "none"])
                figures[f"frames{suffix}"] = (title, fig, HOW_TO_READ["frames"].format(conf=conf))
            if facet != ALL:
                continue
            rates = report.rates[(report.rates["facet"] == facet) & report.rates["label"].isin(["individual", "collective", "collective_labour", "isic_mode"])]
            if len(rates):
                title = "Counted mentions per 10,000 tokens"
                fig = charts.series_chart(rates, "label", "rate", title=title, ylabel="per 10,000 tokens", percent=False, period_years=width)
                figures["rates"] = (title, fig, HOW_TO_READ["rates"])
            modes = report.modes[report.modes["facet"] == facet]
            if len(modes):
                title = "ISIC modes: share of units per period"
                fig = charts.series_chart(modes, "mode", "share", title=title, ylabel="% of units", percent=True, period_years=width)
                figures["modes"] = (title, fig, HOW_TO_READ["modes"].format(conf=conf))
    else:
        by = report.params["by"]
        if len(report.frames):
            title = f"Frame shares by {by}"
            figures["frames"] = (title, charts.grouped_bars(report.frames, "frame", title=title, names=list(FRAMES)),
                                 HOW_TO_READ["group_frames"].format(conf=conf))
        if len(report.modes):
            title = f"ISIC modes by {by}"
            figures["modes"] = (title, charts.grouped_bars(report.modes, "mode", title=title, names=list(MODES)),
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


# --- HTML ------------------------------------------------------------------------------

def _css() -> str:
    """The report's style sheet (``reports/report.css``), to inline."""
    return data_file("reports", "report.css").read_text(encoding="utf-8")


def _html(report: Report, inlined: list[tuple[str, str, str, str]]) -> str:
    kind = "Trend" if isinstance(report, TrendReport) else "Comparison"
    p = report.params
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>isic_nlp — {kind} report</title><style>{_css()}</style></head><body>",
        f"<h1>{kind} report</h1>",
        f'<p class="meta">isic_nlp {html.escape(__version__)} · {p["n_units"]:,} {html.escape(p["unit"])}s · '
        f"seed {p['seed']} · {html.escape(', '.join(_input_names(report)))}</p>",
        "<h2>Summary</h2>",
        '<ul class="summary">' + "".join(f"<li>{html.escape(s)}</li>" for s in report.summary) + "</ul>",
        "<h2>Charts</h2>",
    ]
    for name, title, svg, how in inlined:
        parts.append(f'<figure class="chart" id="chart-{name}" aria-label="{html.escape(title)}">{svg}'
                     f"<figcaption><b>{html.escape(title)}.</b> {html.escape(how)} "
                     f'Files: <a href="charts/{name}.svg">SVG</a>, <a href="charts/{name}.png">PNG</a>.</figcaption></figure>')
    parts.append("<h2>Tables</h2>")
    for title, table, csv in _main_tables(report):
        parts.append(f"<h3>{html.escape(title)}</h3>{_html_table(table)}"
                     f'<p class="meta">All rows: <a href="tables/{csv}.csv">tables/{csv}.csv</a> (and .parquet).</p>')
    parts.append("<h2>Evidence</h2>")
    parts.append(f"<p>Counted mentions drawn at random (seed {p['seed']}), {p['examples']} per label and "
                 f"{'period' if isinstance(report, TrendReport) else 'group'}; every row of "
                 '<a href="tables/evidence.csv">tables/evidence.csv</a> names its document, unit and lexicon entry.</p>')
    for group, part in report.evidence.groupby("group", sort=True):
        parts.append(f"<details><summary>{html.escape(str(group))} ({len(part)} examples)</summary>{_kwic_table(part)}</details>")
    parts.append("<h2>Methods</h2>")
    parts.append(_methods_html(report))
    parts.append("</body></html>")
    return "\n".join(parts)


def _input_names(report: Report) -> list[str]:
    return list(dict.fromkeys(report.data.units["input"].astype(str))) if "input" in report.data.units else []


def _main_tables(report: Report) -> list[tuple[str, pd.DataFrame, str]]:
    if isinstance(report, TrendReport):
        whole = report.frames[report.frames["facet"] == ALL]
        out = []
        if len(report.slopes):
            out.append(("Trend per frame (unflagged periods)", _round(report.slopes.drop(columns=["converged"])), "slopes"))
        if len(whole):
            wide = _wide(whole, ["period", "flagged"], "frame")
            n = report.periods[report.periods["facet"] == ALL].set_index("period")["n_units"]
            wide.insert(1, "n_units", wide["period"].map(n))
            out.append(("Frame shares per period (all units)", wide, "frames"))
            if "ppi_share" in whole and whole["ppi_share"].notna().any():
                corrected = whole.drop(columns=["share", "low", "high"]).rename(columns={"ppi_share": "share", "ppi_low": "low", "ppi_high": "high"})
                out.append(("Frame shares per period corrected for classifier error (PPI++)",
                            _wide(corrected, ["period", "flagged"], "frame"), "frames"))
        out.append(("Units per period", report.periods, "periods"))
        composition = getattr(report, "composition", None)
        if composition is not None and len(composition):
            out.append(("Composition: clusters per period", _round(composition[composition["facet"] == ALL]), "composition"))
            out.append(("Clusters contributing most units", _round(report.top_clusters), "top_clusters"))
        text_level = getattr(report, "text_level", None)
        if text_level is not None and len(text_level):
            out.append(("Frame shares per period, every cluster weighing the same",
                        _wide(text_level[text_level["facet"] == ALL], ["period", "flagged"], "frame"), "text_level"))
        codification = getattr(report, "codification", None)
        if codification is not None and len(codification):
            out.append(("Codification and recodification texts (reports/codification.yaml, or texts that created "
                        f"more than {report.params.get('codification_threshold')} documents)", codification, "codification"))
        sensitivity = getattr(report, "date_sensitivity", None)
        if sensitivity is not None and len(sensitivity):
            keep = ["date_field", "meaning", "frame", "n_units", "first_year", "last_year", "points_per_decade",
                    "log_odds_per_decade", "log_odds_low", "log_odds_high", "p_value"]
            out.append(("The same trends under each date definition (logistic slope, cluster-robust interval)",
                        _round(sensitivity[[c for c in keep if c in sensitivity]]), "date_sensitivity"))
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


def _wide(table: pd.DataFrame, index: list[str], column: str) -> pd.DataFrame:
    """``share [low–high]`` per period (rows) and frame (columns), in %."""
    cells = table.assign(cell=[f"{s:.0%} [{lo:.0%}–{hi:.0%}]" if pd.notna(s) else "" for s, lo, hi in
                               zip(table["share"], table["low"], table["high"])])
    return cells.pivot(index=index, columns=column, values="cell").reset_index().rename_axis(columns=None)


def _round(table: pd.DataFrame) -> pd.DataFrame:
    return table.round(4)


def _html_table(table: pd.DataFrame, limit: int = 60) -> str:
    shown = table.head(limit)
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in shown.columns)
    rows = []
    flagged = shown["flagged"].to_numpy(bool) if "flagged" in shown else [False] * len(shown)
    for values, is_flagged in zip(shown.itertuples(index=False), flagged):
        cells = "".join(
            f'<td class="num">{_fmt(v, c)}</td>' if isinstance(v, (int, float)) and not isinstance(v, bool) else f"<td>{html.escape(_fmt(v, c))}</td>"
            for v, c in zip(values, shown.columns)
        )
        rows.append(f'<tr class="flagged">{cells}</tr>' if is_flagged else f"<tr>{cells}</tr>")
    more = f'<p class="meta">{len(table) - limit:,} more rows in the CSV file.</p>' if len(table) > limit else ""
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>{more}"


def _is_year(column: str) -> bool:
    """Columns of years, which are never written with a thousands separator (2000, not 2,000)."""
    name = str(column)
    return name in ("year", "period", "period_start", "period_end") or name.endswith(("_year", "year_")) or name.startswith("year")


def _fmt(value: Any, column: str = "") -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if _is_year(column) and isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 1e6 else f"{value:,.0f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def _kwic_table(part: pd.DataFrame) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(str(r.label))}</td><td class='l'>{html.escape(str(r.left))}</td><td class='m'>{html.escape(str(r.match))}</td>"
        f"<td>{html.escape(str(r.right))}</td><td>{html.escape(str(r.unit_id))}</td><td>{html.escape(str(r.date or ''))}</td>"
        f"<td>{html.escape(str(r.entry_id))} ({html.escape(str(r.lexicon))} {html.escape(str(r.lexicon_version))})</td></tr>"
        for r in part.itertuples(index=False)
    )
    return ("<table class='kwic'><thead><tr><th>label</th><th>left</th><th>match</th><th>right</th><th>unit</th><th>date</th>"
            f"<th>lexicon entry</th></tr></thead><tbody>{rows}</tbody></table>")


def _methods(report: Report) -> list[tuple[str, str]]:
    """The methods section as (heading, text) pairs, shared by the HTML and Markdown reports."""
    p = report.params
    prov = report.data.provenance
    conf = f"{p['confidence']:.0%}"
    out = []
    inputs = prov.get("inputs") or []
    out.append(("Corpus", f"{p['n_units']:,} units ({p['unit']}) from {p['n_documents']:,} documents; "
                f"{len(report.data.errors[report.data.errors['severity'] == 'error']):,} input records could not be used "
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
                    f"macro-F1 (individual, collective, none) {cv.get('macro_f1_main', float('nan')):.3f}. Each unit gets the "
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
        clusters = _clusters_text(p)
        out.append(("Intervals", f"{conf} intervals. {clusters} Frame and mode shares: Wilson score interval when each "
                    f"cluster holds one unit; otherwise a percentile bootstrap resampling whole clusters ({p['n_boot']:,} "
                    f"draws, seed {p['seed']}). Mention rates (counted mentions per 10,000 tokens): percentile bootstrap "
                    "resampling clusters, never tokens. The composition tables give the units and clusters of each period "
                    "and the clusters that contribute most; the text-level table gives each period's shares when every "
                    "cluster weighs the same (the mean of the clusters' own shares)."))
        out.append(("Trend", "For each frame, a binomial logistic regression of the frame (0/1 per unit) on the year over the "
                    "unflagged periods; the slope is given in log-odds per decade and as the average marginal effect in "
                    f"percentage points per decade, both with {conf} percentile intervals from a bootstrap over clusters "
                    f"({p['n_boot']:,} draws; refits that fail are counted in n_failed), and a cluster-robust (CR1 sandwich) "
                    "Wald p-value, with Benjamini–Hochberg q-values over the facet slopes. As checks: the Mann–Kendall test "
                    "and Sen's slope on the period shares (every period weighted alike; a sign opposite to the logistic slope "
                    "is reported as a disagreement), a text-level slope (least squares through the clusters' shares, every "
                    "cluster weighted alike) and the slope of the mean probability (cluster-robust OLS). "
                    f"No slope is given over fewer than {p.get('min_periods', 4)} periods or {p.get('min_clusters', 10)} "
                    f"clusters, and no interval when more than {p.get('max_failed', 0.05):.0%} of the refits fail "
                    "(column status)."))
        out.append(("Classifier error", _ppi_text(p, conf)))
    else:
        out.append(("Groups", f"Groups are the values of '{p['by']}' (missing values form the group '(no value)'). Each group is "
                    "compared with all the other units."))
        out.append(("Shares and tests", f"{conf} intervals as in the trend report (Wilson, or a bootstrap over clusters). "
                    + _clusters_text(p) + " Difference against the rest: "
                    + ("with a cluster-robust standard error (each unit's influence summed within its cluster), Wald "
                       "interval and z test" if p.get("clustered") else "Newcombe's hybrid score interval, two-proportion z test")
                    + "; Cohen's h. Group × frame: χ² test of independence with Cramér's V"
                    + (" (it treats units as independent: its p-value is optimistic when clusters are large), and a "
                       "cluster-robust Wald test of the same hypothesis (cluster_wald, cluster_p_value: group shares "
                       "compared with a covariance summed within clusters), which the summary uses." if p.get("clustered") else ".")))
        out.append(("Classifier error", _ppi_text(p, conf)))
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


def _clusters_text(p: dict) -> str:
    field = p.get("cluster", "doc_id")
    what = "creating text" if field.startswith("creating_text") else ("document" if field == "doc_id" else f"value of '{field}'")
    return (f"Units are clustered by {what} (field '{field}', {p.get('n_clusters', 0):,} clusters): the units of one cluster "
            "are resampled together and their scores summed, never taken as independent.")


def _ppi_text(p: dict, conf: str) -> str:
    if p.get("n_labelled"):
        return (f"{p['n_labelled']:,} units with a gold frame correct the shares and slopes by prediction-powered inference "
                "(PPI++: Angelopoulos, Duchi & Zrnic 2023; the mean of the model's probability over all units plus the mean "
                "gold-minus-probability error over the labelled ones, with a power-tuning weight), within each period (or "
                "group), with cluster-robust variances and Student's t on the labelled clusters; the slope is a PPI++ "
                "least-squares line on the 0/1 frame with labels weighted by period (N_h/n_h). The labelled units are "
                f"taken as drawn at random within each period or group. {conf} intervals (ppi_share, ppi_low, ppi_high).")
    return ("No labelled sample was given: shares are classify-and-count figures, not corrected for the classifier's "
            "errors, which may differ between periods. mean_probability (and the mean-probability slope) is the "
            "estimate of a calibrated model.")


def _methods_html(report: Report) -> str:
    return "".join(f"<h3>{html.escape(h)}</h3><p>{html.escape(t)}</p>" for h, t in _methods(report))


# --- Markdown -------------------------------------------------------------------------


def _markdown(report: Report, chart_names: list[str]) -> str:
    kind = "Trend" if isinstance(report, TrendReport) else "Comparison"
    lines = [f"# {kind} report", "", f"isic_nlp {__version__} · seed {report.params['seed']}", "", "## Summary", ""]
    lines += [f"- {s}" for s in report.summary]
    lines += ["", "## Charts", ""] + [f"![{n}](charts/{n}.svg)" for n in chart_names]
    lines += ["", "## Tables", ""]
    for title, table, csv in _main_tables(report):
        lines += [f"### {title}", "", _md_table(table), "", f"All rows: `tables/{csv}.csv`.", ""]
    lines += ["## Methods", ""]
    for heading, text in _methods(report):
        lines += [f"**{heading}.** {text}", ""]
    return "\n".join(lines)


def _md_table(table: pd.DataFrame, limit: int = 60) -> str:
    shown = table.head(limit)
    head = "| " + " | ".join(map(str, shown.columns)) + " |"
    rule = "|" + "|".join("---" for _ in shown.columns) + "|"
    rows = ["| " + " | ".join(_fmt(v, c).replace("|", "\\|") for v, c in zip(r, shown.columns)) + " |"
            for r in shown.itertuples(index=False)]
    more = ["", f"({len(table) - limit:,} more rows in the CSV file.)"] if len(table) > limit else []
    return "\n".join([head, rule, *rows, *more])


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

