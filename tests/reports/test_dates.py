"""Tests of the date definitions, retention by period and date sensitivity (isic_nlp.reports.dates)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from isic_nlp.corpus.legi import read_legi
from isic_nlp.corpus.readers import Record
from isic_nlp.errors import IsicError
from isic_nlp.reports.dates import (
    add_date_definitions,
    available_date_fields,
    date_sensitivity,
    frame_slopes,
    retention_by_period,
)

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "legi" / "LEGITEXT000006073189-extrait.json"


def test_legi_reader_keeps_each_date_definition():
    records = [r for r in read_legi(FIXTURE) if isinstance(r, Record)]
    sources = set()
    for r in records:
        meta = r.meta
        sources.add(meta["date_source"])
        assert meta["date_in_force"] == meta["first_version_date"]
        creating = meta["creating_text"]
        assert meta["date_signature"] == (creating["date_signature"] if creating else None)
        assert meta["date_publication"] == (creating["date_publication"] if creating else None)
        chosen = meta["date_signature"] if meta["date_source"] in ("creating_text", "codification_text") else meta["date_in_force"]
        assert meta["date"] == chosen
    assert "first_version_in_force" in sources and len(sources) >= 2


def test_definitions_derived_from_prepared_fields_and_json_text():
    units = pd.DataFrame({
        "creating_text": [{"date_signature": "1985-12-17", "date_publication": "1985-12-21"},
                          json.dumps({"date_signature": "2008-03-07"}), None],
        "first_version_date": ["1985-12-21", "2008-05-01", "2004-08-17"],
    })
    out = add_date_definitions(units)
    assert out["date_signature"].tolist() == ["1985-12-17", "2008-03-07", None]
    assert out["date_publication"].tolist() == ["1985-12-21", None, None]
    assert out["date_in_force"].tolist() == ["1985-12-21", "2008-05-01", "2004-08-17"]
    assert available_date_fields(out) == ["date_signature", "date_publication", "date_in_force"]
    # a field already there is not overwritten
    kept = add_date_definitions(out.assign(date_in_force=["x", "y", "z"]))
    assert kept["date_in_force"].tolist() == ["x", "y", "z"]


def every() -> pd.DataFrame:
    dates = ["1981-01-01", "1985-06-01", "1989-12-31", "1990-01-01", "2021-03-01", "2022-01-01", None, "s.d."]
    return pd.DataFrame({"id": [f"u{i}" for i in range(len(dates))], "date": dates,
                         "source": ["codif", "codif", "text", "text", "text", "text", "text", "text"]})


def test_retention_by_period_counts_each_filter():
    units = every()
    table = retention_by_period(units, {"text": units[units["source"] == "text"], "none": units.iloc[0:0]}, 10)
    assert table["period"].tolist() == ["1980–1989", "1990–1999", "2020–2029", "(no date)"]
    assert table["n_all"].tolist() == [3, 1, 2, 2]
    assert table["n_text"].tolist() == [1, 1, 2, 2]
    assert np.allclose(table["share_text"], [1 / 3, 1, 1, 1])
    assert table["n_none"].tolist() == [0, 0, 0, 0]
    single = retention_by_period(units, units.iloc[:2], "year")
    assert single.loc[single["period"] == "1981", "share_kept"].item() == 1.0
    assert single.loc[single["period"] == "1989", "share_kept"].item() == 0.0
    with pytest.raises(IsicError, match="E601"):
        retention_by_period(units, units, 10, date_field="date_in_force")


def test_date_sensitivity_recomputes_under_each_definition():
    units = pd.DataFrame({
        "date_signature": ["1985-12-17", "2007-03-12", None, "2015-01-01"],
        "date_in_force": ["1985-12-21", "2008-05-01", "2010-01-01", "2015-02-01"],
        "frame": ["individual"] * 4,
    })
    seen = {}

    def slope_fn(dated):
        seen[len(dated)] = sorted(dated["_year"].tolist())
        return pd.DataFrame({"mean_year": [dated["_year"].mean()]})

    table = date_sensitivity(units, ["date_signature", "date_in_force"], slope_fn)
    assert table["date_field"].tolist() == ["date_signature", "date_in_force"]
    assert table["n_dated"].tolist() == [3, 4] and table["n_undated"].tolist() == [1, 0]
    assert seen == {3: [1985, 2007, 2015], 4: [1985, 2008, 2010, 2015]}
    assert table["meaning"].str.contains("signature").tolist() == [True, False]
    with pytest.raises(IsicError, match="E601"):
        date_sensitivity(units, ["date_publication"], slope_fn)


def test_frame_slopes_sign_follows_the_data():
    years = np.repeat(np.arange(1980, 2020, 5), 20)
    rng = np.random.default_rng(0)
    collective = rng.random(len(years)) < (years - 1975) / 60  # share rises with the years
    units = pd.DataFrame({"_year": years, "frame": np.where(collective, "collective", "individual")})
    slopes = frame_slopes(units).set_index("frame")
    assert slopes.loc["collective", "points_per_decade"] > 5 and slopes.loc["collective", "log_odds_low"] > 0
    assert slopes.loc["individual", "points_per_decade"] < -5
    assert not slopes.loc["mixed", "converged"]  # no unit is mixed: no trend can be fitted
