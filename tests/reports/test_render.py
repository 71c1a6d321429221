"""report.html and report.md from templates, numbers per locale, and charts a reader can read."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from isic_nlp.errors import IsicError
from isic_nlp.reports import charts, trend, write_report
from isic_nlp.reports.numbers import NNBSP, format_interval, format_percent, format_value
from tests.reports.test_inference import articles


# --- numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize("value, column, en, fr", [
    (1234.5, "rate", "1,234.5", f"1{NNBSP}234,5"),
    (1234567, "n_units", "1,234,567", f"1{NNBSP}234{NNBSP}567"),
    (0.01589, "p_value", "0.01589", "0,01589"),
    (2000, "first_year", "2000", "2000"),
    (2000.0, "period_start", "2000", "2000"),
    (1999, "year", "1999", "1999"),
    (12345, "doc_id", "12345", "12345"),
    (np.int64(4321), "n_tokens", "4,321", f"4{NNBSP}321"),
    (float("nan"), "share", "", ""),
    (None, "x", "", ""),
    (True, "flagged", "yes", "yes"),
    ("1970–1974", "period", "1970–1974", "1970–1974"),
])
def test_one_format_per_locale_years_and_ids_never_grouped(value, column, en, fr):
    assert format_value(value, column, locale="en") == en
    assert format_value(value, column, locale="fr") == fr


def test_percent_and_intervals_per_locale():
    assert format_percent(0.123, locale="en", digits=1) == "12.3%"
    assert format_percent(0.123, locale="fr", digits=1) == f"12,3{NNBSP}%"
    assert format_interval(0.18, 0.05, 0.48, locale="en", digits=0, percent=True) == "18% [5%–48%]"
    assert format_interval(-0.063, -0.113, -0.017, locale="fr", digits=1, signed=True, scale=100) == "−6,3 [−11,3\u202f;\u00a0−1,7]"
    assert format_interval(0.5, None, None, locale="en") == "0.5"  # no interval: the estimate alone


# --- the written report ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_trend():
    data = articles(n_texts=40, seed=9)
    return trend(data, by=5, min_units=1, n_boot=50)


def test_report_in_both_locales_differs_only_in_number_formats(small_trend, tmp_path):
    write_report(small_trend, tmp_path / "en")
    write_report(small_trend, tmp_path / "fr", locale="fr")
    en_md, fr_md = ((tmp_path / k / "report.md").read_text(encoding="utf-8") for k in ("en", "fr"))
    en_html, fr_html = ((tmp_path / k / "report.html").read_text(encoding="utf-8") for k in ("en", "fr"))
    # The same tables, in the same order, with the same number of rows, in both files and both locales.
    for text in (en_md, fr_md):
        assert re.findall(r"^### (.+)$", text, re.M) == re.findall(r"^### (.+)$", en_md, re.M)
    assert en_html.count("<tr") == fr_html.count("<tr") and en_html.count("<figure") == fr_html.count("<figure")
    assert re.findall(r"<h3>([^<]+)</h3>", en_html)[:5] == re.findall(r"^### (.+)$", en_md, re.M)[:5]
    # Shares and intervals: 12% in English, 12 % (narrow no-break space) in French; years plain in both.
    assert re.search(r"\| \d+% \[\d+%–\d+%\]", en_md) and re.search(rf"\| \d+{NNBSP}% \[\d+{NNBSP}%–\d+{NNBSP}%\]", fr_md)
    assert re.search(r"\b19[89]\d–\d{4}\b", fr_md) and not re.search(rf"\b[12]{NNBSP}\d{{3}}–", fr_md)
    assert "| (all) | 2005–2009 | 2005 |" in en_md and "| (all) | 2005–2009 | 2005 |" in fr_md  # period_start: 2005, not 2,005
    assert '<html lang="fr">' in fr_html and '<html lang="en">' in en_html
    # The slope table speaks to a reader: named columns, an estimate and its interval in one cell.
    assert "Points per decade [95% CI]" in en_md and "log_odds_low" not in en_md and "log_odds_low" not in en_html
    assert re.search(r"\| [+−]\d+\.\d \[[+−]\d+\.\d,\u00a0[+−]\d+\.\d\] \|", en_md)
    assert re.search(r"\| [+−]\d+,\d \[[+−]\d+,\d\u202f;\u00a0[+−]\d+,\d\] \|", fr_md)
    # Every table's full rows stay in the CSV, which the locale does not change.
    assert (tmp_path / "en" / "tables" / "slopes.csv").read_bytes() == (tmp_path / "fr" / "tables" / "slopes.csv").read_bytes()
    assert "log_odds_low" in (tmp_path / "en" / "tables" / "slopes.csv").read_text()


def test_html_is_autoescaped_but_charts_are_inline_svg(small_trend, tmp_path):
    small_trend.summary.insert(0, "A <script>alert(1)</script> & co")
    try:
        write_report(small_trend, tmp_path / "r")
    finally:
        small_trend.summary.pop(0)
    html = (tmp_path / "r" / "report.html").read_text(encoding="utf-8")
    assert "<script>" not in html and "A &lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html
    assert html.count("<svg") == len(list((tmp_path / "r" / "charts").glob("*.svg"))) > 0
    assert '"Segoe UI"' in html and "<style>/*" in html  # the style sheet inlined, not escaped


def test_unknown_locale_is_a_coded_error(small_trend, tmp_path):
    with pytest.raises(IsicError, match=r"\[isic:E006\] --locale must be en or fr, got 'de'"):
        write_report(small_trend, tmp_path / "r", locale="de")
    assert not (tmp_path / "r").exists()


# --- charts -------------------------------------------------------------------------------


def _periods_table() -> pd.DataFrame:
    """Two series over 8 five-year periods; the first two periods are small (flagged) with huge intervals."""
    rows = []
    for name, base in (("alpha", 0.10), ("beta", 0.20)):
        for k, start in enumerate(range(1980, 2020, 5)):
            flagged = k < 2
            share = 0.0 if flagged else base + 0.01 * k
            low, high = (0.0, 0.60) if flagged else (share - 0.03, share + 0.03)
            rows.append({"period_start": start, "series": name, "share": share, "low": low, "high": high, "flagged": flagged})
    return pd.DataFrame(rows)


def test_series_chart_small_multiples_scale_ticks_and_legend_outside():
    table = _periods_table()
    fig = charts.series_chart(table, "series", "share", title="t", ylabel="%", percent=True, period_years=5)
    panels = [ax for ax in fig.axes if ax.get_visible() and ax.get_gid()]
    assert [ax.get_gid() for ax in panels] == ["panel-alpha", "panel-beta"]  # one panel per series
    top = panels[0].get_ylim()[1]
    unflagged_high = table.loc[~table["flagged"], "high"].max() * 100
    assert unflagged_high <= top < 60  # set by the unflagged periods, not by the flagged 0–60 % interval
    # A tick on each period (1980–84 ... 2015–19), not every 8 years.
    ticks = panels[0].get_xticks()
    assert len(ticks) == 8 and np.allclose(np.diff(ticks), 5)
    assert [t.get_text() for t in panels[0].get_xticklabels()][:2] == ["1980–84", "1985–89"]
    # The line does not join flagged periods: its first two points are gaps.
    line = panels[0].get_lines()[0]
    assert np.isnan(np.asarray(line.get_ydata(), float)[:2]).all()
    # The legend is outside every panel's data area.
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    legend = fig.legends[0].get_window_extent(renderer)
    for ax in panels:
        assert not legend.overlaps(ax.get_window_extent(renderer)), ax.get_gid()


def test_series_not_drawn_do_not_set_the_scale():
    table = _periods_table()
    table.loc[table["series"] == "beta", ["share", "high"]] = 0.9
    fig = charts.series_chart(table, "series", "share", title="t", ylabel="%", percent=True, period_years=5, names=["alpha"])
    assert [ax.get_gid() for ax in fig.axes if ax.get_visible()] == ["panel-alpha"] and fig.axes[0].get_ylim()[1] < 30


def test_series_chart_with_every_period_flagged_still_has_a_scale():
    table = _periods_table().assign(flagged=True)
    fig = charts.series_chart(table, "series", "share", title="t", ylabel="%", percent=True, period_years=5)
    assert fig.axes[0].get_ylim()[1] >= 60


def test_grouped_bars_one_panel_per_frame_sharing_groups_and_scale():
    rows = [{"group": g, "frame": f, "share": s, "low": max(0, s - 0.1), "high": min(1, s + 0.1)}
            for g, shares in (("codes", (0.1, 0.5, 0.0)), ("fiches", (0.6, 0.1, 0.2)))
            for f, s in zip(("individual", "collective_social", "collective_labour"), shares)]
    fig = charts.grouped_bars(pd.DataFrame(rows), "frame", title="t", names=["individual", "collective_social", "collective_labour", "none"])
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_gid() for ax in panels] == ["panel-individual", "panel-collective_social", "panel-collective_labour"]
    assert {ax.get_xlim() for ax in panels} == {panels[0].get_xlim()} and panels[0].get_xlim()[1] >= 70
    assert [t.get_text() for t in panels[0].get_yticklabels()] == ["codes", "fiches"]
    assert panels[1].get_title(loc="left") == "collective\nsocial"  # wrapped, not over the next panel's title
