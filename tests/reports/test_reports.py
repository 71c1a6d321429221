"""Trend and comparison reports: the tables, their plumbing, the files and the CLI.

Exact checks run on small synthetic unit tables whose every figure is known;
end-to-end checks run the fast pipeline and the shipped model on the demo corpus.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency
from statsmodels.stats.proportion import proportion_confint

from isic_nlp.tables import MENTION_COLUMNS
from isic_nlp.corpus.records import ERROR_COLUMNS
from isic_nlp.classify.labels import FRAMES, MODES
from isic_nlp.cli.analyse import DEMO_CORPUS
from isic_nlp.errors import IsicError
from isic_nlp.reports import ReportData, compare, load_report_data, stats, trend, write_report
from isic_nlp.reports.charts import inline_svg
from isic_nlp.reports.dates import date_meanings, unit_years

LABELS = {"rights": "individual", "participation": "collective", "dsl": "isic_mode"}


def synthetic(counts: dict[int, tuple[int, int]], units_per_doc: int = 1, doc_type=("A", "B")) -> ReportData:
    """Units for ``{year: (documents, documents framed individual)}``; each document has ``units_per_doc`` units."""
    rows = []
    for year, (n_docs, n_individual) in counts.items():
        for d in range(n_docs):
            doc = f"{year}-{d}"
            for u in range(units_per_doc):
                frame = "individual" if d < n_individual else ("collective" if d % 3 == 0 else "none")
                rows.append({
                    "id": f"{doc}/{u}" if units_per_doc > 1 else doc, "input": "synthetic", "doc_id": doc,
                    "date": f"{year}-06-01", "doc_type": doc_type[d % len(doc_type)], "n_tokens": 100,
                    "n_rights": 2 if frame == "individual" else 0, "n_participation": 1 if frame == "collective" else 0,
                    "n_dsl": 1 if d % 5 == 0 else 0, "frame": frame,
                    **{f"p_{f}": 0.7 if f == frame else 0.1 for f in FRAMES},
                    "modes": "dsl" if d % 5 == 0 else "", **{f"p_{m}": 0.0 for m in MODES},
                })
    units = pd.DataFrame(rows)
    units["n_individual"], units["n_collective"], units["n_isic_mode"] = units["n_rights"], units["n_participation"], units["n_dsl"]
    for mode in MODES:
        units[f"mode_{mode}"] = units["modes"] == mode
    level = "document" if units_per_doc == 1 else "article"
    return ReportData(units, pd.DataFrame(columns=[*MENTION_COLUMNS, "input"]), None, dict(LABELS),
                      pd.DataFrame(columns=ERROR_COLUMNS), {"unit": level})


COUNTS = {2000: (40, 8), 2001: (40, 12), 2002: (5, 5), 2003: (40, 16), 2004: (40, 20)}


def test_trend_shares_are_wilson_intervals_for_whole_documents():
    report = trend(synthetic(COUNTS), min_units=30, n_boot=200)
    row = report.frames.query("facet == '(all)' and period == '2003' and frame == 'individual'").iloc[0]
    low, high = proportion_confint(16, 40, method="wilson")
    assert (row["k"], row["n_units"], row["interval"]) == (16, 40, "Wilson")
    assert row["share"] == pytest.approx(0.4) and (row["low"], row["high"]) == pytest.approx((low, high))


def test_zero_shares_and_rates_of_clustered_units_get_a_real_interval():
    # 2002: 5 documents, all individual; no unit is 'mixed' anywhere and no unit mentions 'dsl' in 2002 ... with
    # several units per document, a bootstrap over documents gives 0 % [0 %, 0 %]: a Wilson over clusters instead.
    report = trend(synthetic(COUNTS, units_per_doc=3), min_units=1, n_boot=200)
    mixed = report.frames.query("facet == '(all)' and period == '2003' and frame == 'mixed'").iloc[0]
    low, high = proportion_confint(0, 40, method="wilson")  # 40 documents = 40 clusters, not 120 units
    assert mixed["k"] == 0 and mixed["n_units"] == 120 and mixed["interval"] == "Wilson over clusters (0 % or 100 %)"
    assert (mixed["low"], mixed["high"]) == pytest.approx((0.0, high)) and high > 0.05
    full = report.frames.query("facet == '(all)' and period == '2002' and frame == 'individual'").iloc[0]
    assert full["share"] == 1.0 and full["high"] == 1.0 and full["low"] == pytest.approx(proportion_confint(5, 5, method="wilson")[0])
    other = report.frames.query("facet == '(all)' and period == '2003' and frame == 'individual'").iloc[0]
    assert other["interval"] == "bootstrap over documents" and 0 < other["low"] < other["share"] < other["high"]
    rate = report.rates.query("facet == '(all)' and period == '2002' and label == 'participation'").iloc[0]
    assert rate["n_mentions"] == 0 and rate["low"] == 0
    assert rate["high"] == pytest.approx(stats.poisson_upper_zero(0.95) / rate["n_tokens"] * 10_000)


def test_flagged_periods_are_kept_but_left_out_of_the_trend():
    report = trend(synthetic(COUNTS), min_units=30, n_boot=200, seed=3)
    periods = report.periods.set_index("period")
    assert bool(periods.loc["2002", "flagged"]) and not periods["flagged"].drop("2002").any()
    assert report.frames.query("period == '2002'")["flagged"].all()
    slope = report.slopes.query("facet == '(all)' and frame == 'individual'").iloc[0]
    assert slope["n_units"] == 160  # the 5 documents of 2002 are not in it
    # The same fit, made by hand on the unflagged documents.
    years, successes = [], []
    for year, (n, k) in COUNTS.items():
        if year != 2002:
            years += [year] * n
            successes += [1] * k + [0] * (n - k)
    expected = stats.logistic_trend_bootstrap(np.array(years, float), np.array(successes, float), np.ones(len(years)),
                                              per=10.0, n_boot=200, seed=3)
    assert slope["log_odds_per_decade"] == pytest.approx(expected.slope_per)
    assert (slope["points_low"], slope["points_high"]) == pytest.approx((expected.ame_low, expected.ame_high))
    assert slope["points_low"] > 0  # 20 % -> 50 % in four years: a clear rise
    assert report.summary[0].startswith("The share of individual framing rises by")
    assert any("1 period(s) with fewer than 30 documents are flagged" in s for s in report.summary)


def test_the_date_sensitivity_row_of_the_headline_date_is_the_headline_trend():
    data = synthetic(COUNTS)
    data.units["date_in_force"] = data.units["date"]  # a second date definition: the table is made
    report = trend(data, min_units=30, n_boot=100, seed=3)
    headline = report.slopes.query("facet == '(all)' and frame == 'individual'").iloc[0]
    row = report.date_sensitivity.query("date_field == 'date' and frame == 'individual'").iloc[0]
    assert row["n_left_out"] == 5 and row["n_units"] == headline["n_units"] == 160  # 2002 (5 units) flagged in both
    assert row["log_odds_per_decade"] == pytest.approx(headline["log_odds_per_decade"], rel=1e-6)


def test_a_pooled_trend_made_by_a_change_of_mix_is_called_out():
    # Two sources, each flat (20 % and 60 % individual), one early and one late: the pooled share rises.
    data = synthetic({2000: (40, 8), 2001: (40, 8), 2003: (40, 24), 2004: (40, 24)})
    data.units["source"] = np.where(data.units["date"] < "2002", "early", "late")
    report = trend(data, min_units=30, n_boot=50, facet="source")
    sentence = next(s for s in report.summary if s.startswith("Caution, composition"))
    assert "source cover different years (early: 2000–2001; late: 2003–2004)" in sentence
    pooled, within = (float(x) for x in re.search(r"individual framing ([+-][\d.]+) pooled, ([+-][\d.]+) within", sentence).groups())
    assert pooled > 50 and abs(within) < 1  # 40 points in three years pooled; nothing within a source
    plain = trend(synthetic(COUNTS), min_units=30, n_boot=50, facet="doc_type")  # both values cover every year
    assert not any(s.startswith("Caution, composition") for s in plain.summary)


def test_reports_on_the_demo_corpus_say_first_that_it_is_a_demo(tmp_path):
    from isic_nlp.reports.data import DEMO_NOTICE, _is_demo

    assert _is_demo(DEMO_CORPUS) and _is_demo(str(DEMO_CORPUS)) and not _is_demo(tmp_path / "demo.jsonl.gz")
    data = synthetic(COUNTS)
    assert DEMO_NOTICE not in trend(data, min_units=30, n_boot=20).summary
    data.provenance["demo"] = True  # what load_report_data sets for the demo corpus
    assert trend(data, min_units=30, n_boot=20).summary[0] == DEMO_NOTICE
    assert compare(data, by="doc_type", n_boot=20).summary[0] == DEMO_NOTICE


def test_several_units_per_document_resample_documents():
    report = trend(synthetic(COUNTS, units_per_doc=3), min_units=30, n_boot=300)
    row = report.frames.query("facet == '(all)' and period == '2003' and frame == 'individual'").iloc[0]
    assert row["interval"] == "bootstrap over documents" and row["n_units"] == 120 and row["n_documents"] == 40
    # Clustered units: wider than a Wilson interval that would take the 120 units as independent.
    wilson_low, wilson_high = proportion_confint(48, 120, method="wilson")
    assert row["high"] - row["low"] > 1.3 * (wilson_high - wilson_low)


def test_rates_count_mentions_per_10000_tokens_with_document_bootstrap():
    report = trend(synthetic(COUNTS), by=5, min_units=30, n_boot=200)
    row = report.rates.query("facet == '(all)' and label == 'rights'").iloc[0]
    individual = sum(k for _, k in COUNTS.values())
    assert row["n_mentions"] == 2 * individual and row["n_tokens"] == 100 * 165
    assert row["rate"] == pytest.approx(2 * individual / (100 * 165) * 10_000)
    assert row["low"] < row["rate"] < row["high"]


def test_facets_and_determinism():
    data = synthetic(COUNTS)
    one = trend(data, facet="doc_type", min_units=10, n_boot=200, seed=1)
    two = trend(data, facet="doc_type", min_units=10, n_boot=200, seed=1)
    other = trend(data, facet="doc_type", min_units=10, n_boot=200, seed=2)
    assert set(one.frames["facet"]) == {"(all)", "A", "B"}
    for name, table in one.tables().items():
        pd.testing.assert_frame_equal(table, two.tables()[name], obj=name)
    assert not one.slopes["points_low"].equals(other.slopes["points_low"])


def test_compare_against_independent_values():
    data = synthetic(COUNTS)
    report = compare(data, by="doc_type", n_boot=200)
    counts = data.units.pivot_table(index="doc_type", columns="frame", values="id", aggfunc="count", fill_value=0)
    chi2, p, dof, _ = chi2_contingency(counts.to_numpy(), correction=False)
    test = report.tests.set_index("variable").loc["frame"]
    assert (test["chi2"], test["p_value"], test["dof"]) == pytest.approx((chi2, p, dof))
    row = report.frames.query("group == 'A' and frame == 'individual'").iloc[0]
    k1, n1 = counts.loc["A", "individual"], counts.loc["A"].sum()
    k2, n2 = counts.loc["B", "individual"], counts.loc["B"].sum()
    assert row["diff_points"] == pytest.approx(100 * (k1 / n1 - k2 / n2))
    tested = report.frames.dropna(subset=["p_value"])  # 'mixed' is absent from both groups: no test
    assert len(tested) == 6 and tested["q_value"].ge(tested["p_value"] - 1e-12).all()
    # Label keyness: counts are the groups' counted mentions, against their tokens.
    rights = report.keyness_labels.query("group == 'A' and label == 'rights'").iloc[0]
    a = data.units[data.units["doc_type"] == "A"]
    assert (rights["k"], rights["K"], rights["n"], rights["N"]) == (a["n_rights"].sum(), data.units["n_rights"].sum(),
                                                                    a["n_tokens"].sum(), data.units["n_tokens"].sum())
    g2, _ = stats.log_likelihood_g2(rights["k"], rights["K"], rights["n"], rights["N"])
    assert rights["g2"] == pytest.approx(g2)
    # The log-odds z has the sign of the difference in rates, with the prior alpha = K * 1000 / N.
    k, K, n, N = (float(rights[c]) for c in ("k", "K", "n", "N"))
    alpha = K * 1000 / N
    delta = np.log((k + alpha) / (n + 1000 - k - alpha)) - np.log((K - k + alpha) / (N - n + 1000 - (K - k) - alpha))
    assert rights["log_odds"] == pytest.approx(delta)
    assert rights["z"] == pytest.approx(delta / np.sqrt(1 / (k + alpha) + 1 / (K - k + alpha)))
    labels = report.keyness_labels.dropna(subset=["z"])
    assert (np.sign(labels["z"]) == np.sign(labels["rate_group"] - labels["rate_rest"])).all()
    assert report.keyness_lemmas.empty  # no lemma counts in these data


def test_compare_refuses_bad_groupings():
    data = synthetic(COUNTS)
    with pytest.raises(IsicError, match=r"isic:E601.*no field 'kind'"):
        compare(data, by="kind")
    with pytest.raises(IsicError, match=r"isic:E603"):
        compare(data, by="id")
    with pytest.raises(IsicError, match=r"isic:E606"):
        compare(data, by="input")
    with pytest.raises(IsicError, match=r"isic:E006.*--n-boot"):
        compare(data, by="doc_type", n_boot=0)
    with pytest.raises(IsicError, match=r"isic:E006.*--examples"):
        trend(data, examples=-1)


def test_dates_say_what_they_mean():
    units = pd.DataFrame({"date": ["2001-01-01"] * 3, "date_source": ["creating_text", "creating_text", "date field of the sheet (last update)"]})
    table, sentence = date_meanings(units, "date")
    assert table["n_units"].sum() == 3
    assert "signature of the text that created the article (67%)" in sentence and "2 different events" in sentence
    assert "as declared" in date_meanings(units, "date", "entry into force")[1]
    years = unit_years(pd.Series(["1999-12-31", "2999-01-01", "n.d."]))
    assert years.iloc[0] == 1999 and years.iloc[1:].isna().all()


def test_inline_svg_ids_are_unique_per_chart():
    svg = '<?xml version="1.0"?><svg><defs><clipPath id="p1"><rect/></clipPath></defs><g clip-path="url(#p1)"><use xlink:href="#m2" /></g><path id="m2"/></svg>'
    out = inline_svg(svg, "frames")
    assert out.startswith("<svg") and 'id="frames-p1"' in out and "url(#frames-p1)" in out and 'href="#frames-m2"' in out


# --- On the demo corpus, with the fast pipeline and the shipped model -------------------


@pytest.fixture(scope="module")
def demo_data() -> ReportData:
    """The demo corpus analysed and classified (about 15 s): tests using it are marked slow."""
    return load_report_data([str(DEMO_CORPUS)])


@pytest.mark.slow
def test_demo_trend_tables(demo_data):
    report = trend(demo_data, by=10, facet="doc_type", n_boot=200)
    whole = report.frames[report.frames["facet"] == "(all)"]
    sums = whole.groupby("period")["share"].sum()
    assert np.allclose(sums, 1.0)  # every unit has exactly one frame
    assert (whole["low"] <= whole["share"] + 1e-12).all() and (whole["share"] <= whole["high"] + 1e-12).all()
    assert report.periods.query("facet == '(all)'")["n_units"].sum() == len(demo_data.units)
    assert any(s.startswith("Dates are the field 'date', meaning:") for s in report.summary)
    # Evidence: every line is a counted mention of a unit of the report, drawn at random but reproducibly.
    ev = report.evidence
    assert len(ev) and ev.groupby(["group", "label"]).size().max() <= 3
    assert set(ev["unit_id"]) <= set(demo_data.units["id"])
    counted = demo_data.mentions[demo_data.mentions["counted"]]
    assert set(zip(ev["doc_id"], ev["entry_id"])) <= set(zip(counted["doc_id"], counted["entry_id"]))
    assert (ev["match"].str.len() > 0).all()
    again = trend(demo_data, by=10, facet="doc_type", n_boot=200)
    pd.testing.assert_frame_equal(ev, again.evidence)


@pytest.mark.slow
def test_demo_compare_keyness(demo_data):
    report = compare(demo_data, by="doc_type", n_boot=200)
    lemmas = report.keyness_lemmas
    assert set(lemmas["group"]) == {"CODE_ARTICLE", "CONVENTION_COLLECTIVE", "FICHE"}
    assert (lemmas["K"] >= 10).all()
    top = lemmas[lemmas["group"] == "CONVENTION_COLLECTIVE"].head(5)["lemma"].tolist()
    assert "avenant" in top  # collective agreements are made of avenants
    labels = report.keyness_labels.query("group == 'CONVENTION_COLLECTIVE' and label == 'labour_relations'").iloc[0]
    assert labels["specificity"] > 5 and labels["z"] > 3


@pytest.mark.slow
def test_report_from_earlier_outputs_equals_report_from_corpus(demo_data, tmp_path, cli):
    assert cli("analyse", str(DEMO_CORPUS), "--out", str(tmp_path / "a"), "-p", "fast", "--lemmas").returncode == 0
    assert cli("classify", str(DEMO_CORPUS), "--out", str(tmp_path / "c.parquet")).returncode == 0
    data = load_report_data([str(tmp_path / "a"), str(tmp_path / "c.parquet")])
    direct = trend(demo_data, by=10, n_boot=100)
    again = trend(data, by=10, n_boot=100)
    pd.testing.assert_frame_equal(direct.frames, again.frames)
    pd.testing.assert_frame_equal(direct.rates, again.rates)
    pd.testing.assert_frame_equal(compare(demo_data, by="doc_type", n_boot=50).keyness_lemmas,
                                  compare(data, by="doc_type", n_boot=50).keyness_lemmas)
    # Without the classification: a warning, and the mention rates alone.
    with pytest.warns(UserWarning, match="isic:W602"):
        unclassified = load_report_data(str(tmp_path / "a"))
    rates_only = trend(unclassified, by=10, n_boot=100)
    assert rates_only.frames.empty and rates_only.slopes.empty
    pd.testing.assert_frame_equal(rates_only.rates, direct.rates)
    assert any("No classification" in s for s in rates_only.summary)


@pytest.mark.slow
def test_write_report_files(demo_data, tmp_path):
    report = trend(demo_data, by=10, n_boot=100)
    written = write_report(report, tmp_path / "r")
    out = tmp_path / "r"
    for name in ("report.html", "report.md", "manifest.json", "errors.csv", "tables/frames.csv", "tables/slopes.parquet",
                 "charts/frames.svg", "charts/frames.png", "data/units.csv", "data/mentions.parquet"):
        assert (out / name).is_file(), name
    manifest = json.loads((out / "manifest.json").read_text())
    assert set(manifest["outputs"]) == set(written) - {"manifest.json"}
    assert manifest["parameters"]["seed"] == 0 and manifest["provenance"]["lexicons"]
    html = (out / "report.html").read_text()
    # Self-contained: charts inline, nothing loaded from elsewhere (links to the CSV files are only links).
    assert html.count('<figure class="chart"') == len(list((out / "charts").glob("*.svg")))
    assert not re.search(r"""<(script|img|link|iframe)\b|@import|url\((?!#)""", html)
    assert (out / "charts" / "frames.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert report.summary[0] in (out / "report.md").read_text()


@pytest.mark.slow
def test_reports_through_the_doc_cache_equal_reports_without_it(tmp_path, cli):
    corpus = tmp_path / "corpus.jsonl"
    rows = pd.read_json(DEMO_CORPUS, lines=True, dtype=False).head(60)
    corpus.write_text("".join(json.dumps({k: v for k, v in r.items() if isinstance(v, (str, int))}, ensure_ascii=False) + "\n"
                              for r in rows.to_dict("records")), encoding="utf-8")
    common = ["--by", "decade", "--n-boot", "50", "--quiet"]
    for out, extra in (("plain", []), ("first", ["--cache", str(tmp_path / "cache")]), ("again", ["--cache", str(tmp_path / "cache")])):
        result = cli("report", "trend", str(corpus), "--out", str(tmp_path / out), *common, *extra)
        assert result.returncode == 0, result.stderr
    for table in sorted(p.name for p in (tmp_path / "plain" / "tables").glob("*.csv")):
        assert (tmp_path / "again" / "tables" / table).read_bytes() == (tmp_path / "plain" / "tables" / table).read_bytes(), table
    provenance = json.loads((tmp_path / "again" / "manifest.json").read_text())
    analyses = json.dumps(provenance)
    assert '"records_reused": 60' in analyses  # the second run analysed nothing again, and says so
    result = cli("report", "compare", str(corpus), "--by", "collection", "--out", str(tmp_path / "c"), "--n-boot", "20",
                 "--quiet", "--cache", str(tmp_path / "cache"))
    assert result.returncode == 0, result.stderr


def test_cli_report_trend_and_compare(tmp_path, cli):
    corpus = tmp_path / "corpus.jsonl"
    rows = pd.read_json(DEMO_CORPUS, lines=True, dtype=False).head(120)
    lines = [json.dumps({k: v for k, v in r.items() if isinstance(v, (str, int))}, ensure_ascii=False) for r in rows.to_dict("records")]
    lines.insert(5, '{"id": "broken", "text": ')  # a broken record: reported, the rest goes on
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = cli("report", "trend", str(corpus), "--out", str(tmp_path / "t"), "--by", "decade", "--n-boot", "100")
    assert result.returncode == 0, result.stderr
    assert "report.html" in result.stdout and "1 input record(s) could not be used" in result.stderr
    errors = pd.read_csv(tmp_path / "t" / "errors.csv")
    assert errors[errors["severity"] == "error"][["line", "code"]].values.tolist() == [[6, "E201"]]
    result = cli("report", "compare", str(corpus), "--by", "collection", "--out", str(tmp_path / "c"), "--n-boot", "50")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "c" / "tables" / "keyness_lemmas.csv").is_file()
    # User mistakes: a coded message, no traceback.
    for args, code in ((["trend", str(tmp_path / "missing.jsonl")], "E001"), (["trend", str(corpus), "--facet", "nope"], "E609"),
                       (["trend", str(corpus), "--by", "fortnight"], "E006"), (["compare", str(corpus), "--by", "nope"], "E609")):
        result = cli("report", *args, "--out", str(tmp_path / "x"))
        assert result.returncode == 2 and f"[isic:{code}]" in result.stderr and "Traceback" not in result.stderr, result.stderr
