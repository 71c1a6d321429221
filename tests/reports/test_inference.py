"""Clustered inference, robust headlines and PPI++ corrections in the trend and comparison reports.

Synthetic unit tables where every figure can be recomputed: articles created by
texts (the clusters), dated by their text, with a classifier's probabilities.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from isic_nlp.corpus.readers import ERROR_COLUMNS
from isic_nlp.tables import MENTION_COLUMNS
from isic_nlp.classify.labels import MODES
from isic_nlp.errors import IsicError
from isic_nlp.reports import ReportData, compare, ppi, stats, trend
from isic_nlp.reports.inference import resolve_cluster

LABELS = {"rights": "individual", "participation": "collective"}


def articles(n_texts: int = 60, years=range(1990, 2020), seed: int = 0, trend_per_year: float = 0.01,
             sizes=(1, 25), frames_of=None, spread: float = 0.3) -> ReportData:
    """Articles of ``n_texts`` creating texts; a text has one year and its own collective level."""
    rng = np.random.default_rng(seed)
    years = list(years)
    rows = []
    for t in range(n_texts):
        year = years[t % len(years)]
        size = int(rng.integers(*sizes))
        level = np.clip(0.2 + trend_per_year * (year - years[0]) + rng.normal(0, spread), 0.01, 0.95)
        text = json.dumps({"title": f"Décret {t} - art. 1", "nature": "DECRET", "text_cid": f"JORF{t:04d}"})
        for a in range(size):
            frame = frames_of(t, a) if frames_of else ("collective" if rng.random() < level else "none")
            p_coll = float(np.clip((0.7 if frame == "collective" else 0.15) + rng.normal(0, 0.1), 0.01, 0.99))
            probs = {"p_collective": p_coll, "p_individual": (1 - p_coll) / 3, "p_mixed": (1 - p_coll) / 3, "p_none": (1 - p_coll) / 3}
            rows.append({"id": f"T{t}A{a}", "input": "synthetic", "doc_id": f"T{t}A{a}", "date": f"{year}-03-01",
                         "creating_text": text, "n_tokens": 50, "n_rights": 0, "n_participation": int(frame == "collective"),
                         "frame": frame, **probs, "modes": "", "code": "A" if t % 2 else "B",
                         **{f"p_{m}": 0.0 for m in MODES}})
    units = pd.DataFrame(rows)
    units["n_individual"], units["n_collective"], units["n_isic_mode"] = units["n_rights"], units["n_participation"], 0
    for mode in MODES:
        units[f"mode_{mode}"] = False
    return ReportData(units, pd.DataFrame(columns=[*MENTION_COLUMNS, "input"]), None, dict(LABELS),
                      pd.DataFrame(columns=ERROR_COLUMNS), {"unit": "document"})


def test_default_cluster_is_the_creating_text_and_the_slope_resamples_it():
    data = articles()
    ids, field = resolve_cluster(data.units, None)
    assert field == "creating_text.text_cid" and ids.nunique() == 60
    report = trend(data, by=5, min_units=1, n_boot=300, seed=2)
    assert report.params["cluster"] == "creating_text.text_cid" and report.params["n_clusters"] == 60
    row = report.slopes.query("facet == '(all)' and frame == 'collective_social'").iloc[0]
    # The same fit by hand: one row per text (its year), texts resampled.
    units = data.units.assign(year=data.units["date"].str[:4].astype(float), cid=ids, hit=data.units["frame"] == "collective_social")
    per_text = units.groupby("cid", sort=False).agg(year=("year", "first"), s=("hit", "sum"), m=("id", "size"))
    expected = stats.logistic_trend_bootstrap(per_text["year"], per_text["s"], per_text["m"], cluster=per_text.index.to_numpy(),
                                              n_boot=300, seed=2)
    assert row["points_per_decade"] == pytest.approx(expected.ame_points)
    assert (row["points_low"], row["points_high"]) == pytest.approx((expected.ame_low, expected.ame_high))
    assert row["wald_p_value"] == pytest.approx(expected.wald.p_value) and expected.wald.se_kind == "cluster"
    assert row["interval"] == "bootstrap over creating texts" and row["n_clusters"] == 60
    # Taking articles as independent gives a much narrower interval.
    naive = trend(data, by=5, min_units=1, n_boot=300, seed=2, cluster="doc_id")
    nrow = naive.slopes.query("facet == '(all)' and frame == 'collective_social'").iloc[0]
    assert (row["points_high"] - row["points_low"]) > 1.5 * (nrow["points_high"] - nrow["points_low"])
    share = report.frames.query("facet == '(all)' and frame == 'collective_social'").iloc[0]
    assert share["interval"] == "bootstrap over creating texts"
    assert any("resample or sum over 60 creating texts" in s for s in report.summary)
    with pytest.raises(IsicError, match="isic:E607.*'nowhere'"):
        trend(data, cluster="nowhere")


def test_composition_top_clusters_and_text_level_view():
    data = articles(n_texts=12, years=[2000, 2001, 2002, 2003], sizes=(1, 20), seed=3)
    report = trend(data, by="year", min_units=1, n_boot=200)
    units = data.units.assign(cid=resolve_cluster(data.units, None)[0], year=data.units["date"].str[:4])
    comp = report.composition.query("facet == '(all)'").set_index("period")
    for year, part in units.groupby("year"):
        sizes = part["cid"].value_counts()
        assert comp.loc[year, "n_clusters"] == len(sizes) and comp.loc[year, "n_units"] == len(part)
        assert comp.loc[year, "largest_share"] == pytest.approx(sizes.iloc[0] / len(part))
    top = report.top_clusters
    assert top["n_units"].iloc[0] == units["cid"].value_counts().iloc[0] and top["title"].iloc[0].startswith("Décret")
    assert " - art." not in top["title"].iloc[0]
    # Text level: the mean of the texts' own shares.
    text = report.text_level.query("facet == '(all)' and period == '2001' and frame == 'collective_social'").iloc[0]
    part = units[units["year"] == "2001"]
    own = (part["frame"] == "collective_social").groupby(part["cid"]).mean()
    assert text["share"] == pytest.approx(own.mean()) and text["n_clusters"] == len(own)
    assert text["low"] <= text["share"] <= text["high"]


def test_no_slope_from_too_few_periods_or_clusters():
    data = articles(n_texts=30, years=[2000, 2005, 2010])
    report = trend(data, by=5, min_units=1, n_boot=100)
    row = report.slopes.query("facet == '(all)' and frame == 'collective_social'").iloc[0]
    assert row["status"] == "too few periods (3 < 4)" and np.isnan(row["points_per_decade"]) and np.isnan(row["points_low"])
    assert report.summary[1].startswith("No trend is given for the share of collective social intervention: periods (3 < 4)")
    few = trend(articles(n_texts=8, years=range(2000, 2008)), by="year", min_units=1, n_boot=100)
    row = few.slopes.query("facet == '(all)' and frame == 'collective_social'").iloc[0]
    assert row["status"] == "too few clusters (8 < 10)" and np.isnan(row["points_per_decade"])
    ok = trend(articles(n_texts=8, years=range(2000, 2008)), by="year", min_units=1, n_boot=100, min_clusters=5)
    assert ok.slopes.query("facet == '(all)' and frame == 'collective_social'").iloc[0]["status"] == "ok"
    with pytest.raises(IsicError, match="isic:E006.*--min-periods"):
        trend(data, min_periods=1)


def test_failed_refits_are_counted_and_the_interval_withheld():
    # 'mixed' appears in two texts only: one resample of the 12 texts in nine has no 'mixed' at all.
    frames_of = lambda t, a: "mixed" if t in (3, 8) and a == 0 else ("collective" if (t + a) % 3 == 0 else "none")  # noqa: E731
    data = articles(n_texts=12, years=range(2000, 2012), frames_of=frames_of, sizes=(2, 6))
    report = trend(data, by="year", min_units=1, n_boot=200)
    row = report.slopes.query("facet == '(all)' and frame == 'mixed'").iloc[0]
    assert row["n_failed"] > 10 and row["status"] == f"too many failed refits ({row['n_failed']} of 200)"
    assert np.isnan(row["points_low"]) and np.isnan(row["points_high"]) and not np.isnan(row["points_per_decade"])
    good = report.slopes.query("facet == '(all)' and frame == 'collective_social'").iloc[0]
    assert good["status"] == "ok" and good["n_failed"] <= 10


def test_logistic_and_sen_disagreement_is_said():
    # Four small periods falling, one big late period high: units say "rises", periods say "falls".
    spec = {2000: (5, 0.6), 2001: (5, 0.5), 2002: (5, 0.4), 2003: (5, 0.3), 2004: (40, 0.9)}
    years = [y for y, (n, _) in spec.items() for _ in range(n)]
    rate = {y: r for y, (_, r) in spec.items()}
    counter = {}

    def frames_of(t, a):
        y = years[t]
        counter[y] = counter.get(y, 0) + 1
        return "collective" if a < round(10 * rate[y]) else "none"

    data = articles(n_texts=len(years), years=years, frames_of=frames_of, sizes=(10, 11))
    report = trend(data, by="year", min_units=1, n_boot=200)
    row = report.slopes.query("facet == '(all)' and frame == 'collective_social'").iloc[0]
    assert row["points_per_decade"] > 0 and row["sen_points_per_decade"] < 0 and row["sen_agrees"] is False
    assert any("disagree in sign" in s and "collective" in s for s in report.summary)


def test_facet_slopes_get_benjamini_hochberg_q_values():
    report = trend(articles(n_texts=80), by=5, facet="code", min_units=1, n_boot=100)
    facets = report.slopes[report.slopes["facet"] != "(all)"]
    expected = stats.benjamini_hochberg(facets["wald_p_value"].to_numpy(float))
    np.testing.assert_allclose(facets["q_value"].to_numpy(float), expected, equal_nan=True)
    assert any("q = " in s and "Benjamini–Hochberg over the 10 facet slopes" in s for s in report.summary)


def labelled(data: ReportData, per_period: int, seed: int = 0, by: int = 5) -> pd.DataFrame:
    """A stratified sample of gold labels: ``per_period`` units of each period (their true frame)."""
    units = data.units.assign(period=(data.units["date"].str[:4].astype(int) // by) * by)
    picks = units.groupby("period", group_keys=False).apply(lambda p: p.sample(min(per_period, len(p)), random_state=seed))
    return picks[["id", "frame"]]


def test_ppi_columns_in_trend_match_the_estimators():
    data = articles(n_texts=90, seed=5)
    labels = labelled(data, 15)
    report = trend(data, by=5, min_units=1, n_boot=100, labels=labels)
    assert report.params["n_labelled"] == len(labels)
    units = data.units.assign(cid=resolve_cluster(data.units, None)[0], year=data.units["date"].str[:4].astype(int))
    units["period"] = (units["year"] // 5) * 5
    gold = units["id"].map(labels.set_index("id")["frame"])
    row = report.frames.query("facet == '(all)' and period == '2000–2004' and frame == 'collective_social'").iloc[0]
    part = units[units["period"] == 2000]
    lab = part[gold[part.index].notna()]
    expected = ppi.ppi_mean((gold[lab.index] == "collective_social").to_numpy(float), lab["p_collective"], part["p_collective"],
                            cluster=lab["cid"], cluster_unlabelled=part["cid"], df="effective", lam=1.0)
    assert row["ppi_share"] == pytest.approx(expected.estimate) and row["ppi_low"] == pytest.approx(expected.low)
    assert row["n_labelled"] == len(lab)
    slope = report.slopes.query("facet == '(all)' and frame == 'collective_social'").iloc[0]
    lab_all = units[gold.notna()]
    direct = ppi.ppi_trend(lab_all["year"], (gold[lab_all.index] == "collective_social").to_numpy(float), lab_all["p_collective"],
                           units["year"], units["p_collective"], cluster=lab_all["cid"], cluster_unlabelled=units["cid"],
                           strata=lab_all["period"].astype(str), strata_unlabelled=units["period"].astype(str),
                           df="clusters", logistic=False)
    assert slope["ppi_points_per_decade"] == pytest.approx(direct.points) and slope["ppi_low"] == pytest.approx(direct.points_low)
    assert any(s.startswith(f"Corrected for classifier error with {len(labels)} labelled") for s in report.summary)
    # A period without labels: no corrected slope (its classifier error is unknown).
    partial = labels[~labels["id"].isin(units.loc[units["period"] == 2000, "id"])]
    gap = trend(data, by=5, min_units=1, n_boot=50, labels=partial)
    assert np.isnan(gap.slopes.query("facet == '(all)' and frame == 'collective_social'").iloc[0]["ppi_points_per_decade"])
    plain = trend(data, by=5, min_units=1, n_boot=100)
    assert "ppi_share" not in plain.frames and any("not corrected for its errors" in s for s in plain.summary)


def test_bad_labels_give_coded_errors():
    data = articles(n_texts=20)
    with pytest.raises(IsicError, match="isic:E608.*unknown frame"):
        trend(data, labels=pd.DataFrame({"id": ["T0A0"], "frame": ["other"]}))
    with pytest.raises(IsicError, match="isic:E608.*none of its ids"):
        trend(data, labels=pd.DataFrame({"id": ["nope"], "frame": ["none"]}))
    with pytest.raises(IsicError, match="isic:E608.*more than once"):
        trend(data, labels=pd.DataFrame({"id": ["T0A0", "T0A0"], "frame": ["none", "none"]}))
    with pytest.warns(UserWarning, match="isic:W605"):
        trend(data, by=5, min_units=1, n_boot=50, labels=pd.DataFrame({"id": ["T0A0", "nope"], "frame": ["none", "none"]}))


def test_compare_differences_are_cluster_robust():
    data = articles(n_texts=70, seed=7)
    report = compare(data, by="code", n_boot=100)
    assert report.params["clustered"] and report.params["n_clusters"] == 70
    row = report.frames.query("group == 'A' and frame == 'collective_social'").iloc[0]
    units = data.units.assign(cid=resolve_cluster(data.units, None)[0])
    y = (units["frame"] == "collective_social").to_numpy(float)
    x = sm.add_constant((units["code"] == "A").to_numpy(float))
    ref = sm.OLS(y, x).fit(cov_type="cluster", cov_kwds={"groups": pd.factorize(units["cid"])[0], "use_correction": False})
    se = ref.bse[1] * math.sqrt(70 / 69)
    assert row["diff_points"] == pytest.approx(100 * ref.params[1])
    assert row["diff_high"] - row["diff_points"] == pytest.approx(100 * 1.959963984540054 * se, rel=1e-8)
    assert row["diff_method"] == "cluster-robust Wald" and row["interval"] == "bootstrap over creating texts"
    assert any("Pearson's χ² treats units as independent" in s for s in report.summary)


def test_compare_with_labels_gives_ppi_shares_and_differences():
    data = articles(n_texts=70, seed=8)
    units = data.units
    labels = units.groupby("code", group_keys=False).apply(lambda p: p.sample(30, random_state=1))[["id", "frame"]]
    report = compare(data, by="code", n_boot=100, labels=labels)
    row = report.frames.query("group == 'B' and frame == 'collective_social'").iloc[0]
    ids = resolve_cluster(units, None)[0]
    part = units[units["code"] == "B"]
    lab = part[part["id"].isin(labels["id"])]
    expected = ppi.ppi_mean((lab["frame"] == "collective_social").to_numpy(float), lab["p_collective"], part["p_collective"],
                            cluster=ids[lab.index], cluster_unlabelled=ids[part.index], df="effective", lam=1.0)
    assert row["ppi_share"] == pytest.approx(expected.estimate) and row["ppi_high"] == pytest.approx(expected.high)
    other = report.frames.query("group == 'A' and frame == 'collective_social'").iloc[0]
    assert row["ppi_diff_points"] == pytest.approx(100 * (row["ppi_share"] - other["ppi_share"]))
    assert row["ppi_diff_low"] < row["ppi_diff_points"] < row["ppi_diff_high"]


def test_units_without_a_cluster_id_are_their_own_cluster():
    units = pd.DataFrame({"doc_id": ["a1", "a2", "b1"], "creating_text": ['{"text_cid": "J1"}', '{"text_cid": "J1"}', None],
                          "law": ["L1", "L1", None]})
    ids, field = resolve_cluster(units, None)  # default: units outside LEGI are their document, silently
    assert ids.tolist() == ["J1", "J1", "doc:b1"] and field == "creating_text.text_cid"
    with pytest.warns(UserWarning, match="isic:W604.*1 of 3 units.*'law'"):
        assert resolve_cluster(units, "law")[0].tolist() == ["L1", "L1", "doc:b1"]
    assert resolve_cluster(units.drop(columns=["creating_text", "law"]), None)[1] == "doc_id"


def test_creating_texts_known_by_title_only_are_one_cluster():
    # The CASF records of ../shared/corpora name their creating decree without its LEGI id.
    ct = lambda title: json.dumps({"title": title, "nature": "DECRET"})  # noqa: E731
    units = pd.DataFrame({"doc_id": ["casf:D1", "casf:D2", "casf:D3", "casf:L1", "casf:L2"],
                          "creating_text": [ct("Décret n°2004-1136 du 21 octobre 2004 - art. 2"),
                                            ct("Décret n°2004-1136 du 21 octobre 2004 - art. 5"),
                                            ct("Décret n°2004-1136 du 21 octobre 2004"),
                                            json.dumps({"text_cid": "JORFTEXT000000215460", "title": "Loi n° 2002-2"}),
                                            None]})
    ids, field = resolve_cluster(units, None)
    assert ids.tolist() == ["Décret n°2004-1136 du 21 octobre 2004"] * 3 + ["JORFTEXT000000215460", "doc:casf:L2"]
    assert field == "creating_text.text_cid, else title"
    assert resolve_cluster(units.iloc[:3], None)[1] == "creating_text.title"


def test_a_period_of_one_cluster_gets_no_interval():
    data = articles(n_texts=12, years=[2000] + list(range(2005, 2016)), sizes=(3, 6))
    report = trend(data, by=5, min_units=1, n_boot=50)
    row = report.frames.query("facet == '(all)' and period == '2000–2004' and frame == 'collective_social'").iloc[0]
    assert row["interval"] == "one cluster: no interval" and np.isnan(row["low"]) and row["n_clusters"] == 1
    text = report.text_level.query("facet == '(all)' and period == '2000–2004' and frame == 'collective_social'").iloc[0]
    assert text["n_clusters"] == 1 and np.isnan(text["low"]) and np.isnan(text["high"])


def test_written_report_shows_composition_ppi_and_how_intervals_are_clustered(tmp_path):
    from isic_nlp.reports import write_report

    data = articles(n_texts=40, seed=9)
    report = trend(data, by=5, min_units=1, n_boot=50, labels=labelled(data, 10))
    write_report(report, tmp_path / "t")
    text = (tmp_path / "t" / "report.md").read_text(encoding="utf-8")
    assert "Composition: clusters per period" in text and "Clusters contributing most units" in text
    assert "corrected for classifier error (PPI++)" in text and "every cluster weighing the same" in text
    assert "Units are clustered by creating text (field 'creating_text.text_cid', 40 clusters)" in text
    assert (tmp_path / "t" / "tables" / "composition.csv").is_file() and (tmp_path / "t" / "tables" / "top_clusters.csv").is_file()
    plain = compare(data, by="code", n_boot=50)
    write_report(plain, tmp_path / "c")
    text = (tmp_path / "c" / "report.md").read_text(encoding="utf-8")
    assert "cluster-robust standard error" in text and "No labelled sample was given" in text


def test_gold_modes_give_ppi_mode_shares():
    data = articles(n_texts=40, seed=11)
    units = data.units
    units["modes"] = np.where(units.index % 4 == 0, "groupes", "")
    units["mode_groupes"] = units["modes"] == "groupes"
    units["p_groupes"] = np.where(units["mode_groupes"], 0.8, 0.1)
    labels = labelled(data, 12).merge(units[["id", "modes"]], on="id")
    report = trend(data, by=5, min_units=1, n_boot=50, labels=labels)
    row = report.modes.query("facet == '(all)' and period == '2010–2014' and mode == 'groupes'").iloc[0]
    ids = resolve_cluster(units, None)[0]
    part = units[units["date"].str[:4].astype(int).between(2010, 2014)]
    lab = part[part["id"].isin(labels["id"])]
    expected = ppi.ppi_mean((lab["modes"] == "groupes").to_numpy(float), lab["p_groupes"], part["p_groupes"],
                            cluster=ids[lab.index], cluster_unlabelled=ids[part.index], df="effective", lam=1.0)
    assert row["ppi_share"] == pytest.approx(expected.estimate) and row["ppi_high"] == pytest.approx(expected.high)
    with pytest.raises(IsicError, match="isic:E608.*unknown mode"):
        trend(data, labels=labels.assign(modes="bogus"))


def test_compare_cluster_wald_test():
    data = articles(n_texts=70, seed=12)
    data.units["mode_groupes"] = data.units.index % 5 == 0
    report = compare(data, by="code", n_boot=50)
    tests = report.tests.set_index("variable")
    # Two groups, one 0/1 outcome: the Wald statistic is the squared z of the clustered difference against the rest.
    row = report.modes.query("group == 'A' and mode == 'groupes'").iloc[0]
    z = row["diff_points"] / ((row["diff_high"] - row["diff_points"]) / 1.959963984540054)
    assert tests.loc["mode groupes", "cluster_wald"] == pytest.approx(z**2, rel=1e-9)
    assert tests.loc["mode groupes", "cluster_dof"] == 1
    frame = tests.loc["frame"]
    assert frame["cluster_dof"] == frame["dof"] and 0 <= frame["cluster_p_value"] <= 1
    assert "cluster-robust Wald χ²" in report.summary[0]
    # Clustered units: the Wald test is more cautious than Pearson's χ² here.
    assert frame["cluster_p_value"] > frame["p_value"]


def test_sample_weights_are_used_and_non_probability_samples_refused():
    data = articles(n_texts=90, seed=14)
    units = data.units.assign(year=data.units["date"].str[:4].astype(int))
    # A sample stratified by decade (as `isic-nlp sample --by decade` would draw), reported by 5-year periods.
    units["decade"] = (units["year"] // 10) * 10
    picks = units.sample(frac=1, random_state=3).groupby("decade").head(20)
    sizes = units["decade"].value_counts()
    labels = picks[["id", "frame"]].assign(stratum=picks["decade"].astype(str), weight=picks["decade"].map(sizes) / 20)
    report = trend(data, by=5, min_units=1, n_boot=50, labels=labels)
    row = report.frames.query("facet == '(all)' and period == '2010–2014' and frame == 'collective_social'").iloc[0]
    ids = resolve_cluster(units, None)[0]
    part = units[units["year"].between(2010, 2014)]
    lab = part[part["id"].isin(labels["id"])]
    w = lab["id"].map(labels.set_index("id")["weight"])
    expected = ppi.ppi_mean((lab["frame"] == "collective_social").to_numpy(float), lab["p_collective"], part["p_collective"],
                            cluster=ids[lab.index], cluster_unlabelled=ids[part.index], df="effective", lam=1.0, weights=w)
    assert row["ppi_share"] == pytest.approx(expected.estimate)
    slope = report.slopes.query("facet == '(all)' and frame == 'collective_social'").iloc[0]
    lab_all = units[units["id"].isin(labels["id"])]
    direct = ppi.ppi_trend(lab_all["year"], (lab_all["frame"] == "collective_social").to_numpy(float), lab_all["p_collective"],
                           units["year"], units["p_collective"], cluster=ids[lab_all.index], cluster_unlabelled=ids,
                           weights=lab_all["id"].map(labels.set_index("id")["weight"]),
                           strata=lab_all["decade"].astype(str), df="clusters", logistic=False)
    assert slope["ppi_points_per_decade"] == pytest.approx(direct.points)
    with pytest.raises(IsicError, match="isic:E608.*not a probability sample"):
        trend(data, labels=labels.assign(weight=np.nan))
