"""``report.html`` in a real browser (Debian's Chromium, offline): charts drawn, no request made.

Marked slow; skipped without Chromium (``make browser`` installs it), failed
instead when ``ISIC_REQUIRE_BROWSER=1`` (as in ``.ci/run``).
"""

from __future__ import annotations

import pandas as pd
import pytest
from tests.browser import ink_fraction, render_offline

from isic_nlp.classify.labels import MODES
from isic_nlp.cli.analyse import DEMO_CORPUS
from isic_nlp.reports import compare, load_report_data, trend, write_report


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    rows = pd.read_json(DEMO_CORPUS, lines=True, dtype=False).iloc[::3]  # 148 real documents, every collection
    data = load_report_data(rows)
    out = tmp_path_factory.mktemp("reports")
    write_report(trend(data, by=10, facet="doc_type", min_units=10, n_boot=100), out / "trend")
    write_report(compare(data, by="collection", n_boot=100), out / "compare")
    return out


@pytest.mark.slow
@pytest.mark.parametrize("kind, charts", [
    ("trend", {"chart-frames", "chart-rates", "chart-modes", "chart-frames_code-article"}),
    ("compare", {"chart-frames", "chart-modes", "chart-label_keyness", "chart-lemma_keyness"}),
])
def test_report_renders_offline_with_its_charts(reports, kind, charts, tmp_path):
    shot = tmp_path / "page.png"
    result = render_offline(reports / kind / "report.html", screenshot=shot)
    assert result.requests == []  # no network request, no other file loaded
    assert result.console_errors == [] and result.unrendered_text == []
    assert result.title.endswith("report")
    drawn = {c.id: c for c in result.charts}
    assert charts <= set(drawn)
    for chart in result.charts:
        assert chart.visible and chart.width > 400 and chart.height > 150, chart
        assert chart.marks > 50, chart  # lines, bands, bars, axes and glyphs drawn
        assert ink_fraction(shot, (chart.x, chart.y, chart.x + chart.width, chart.y + chart.height)) > 0.03, chart


def _overlap(a, b) -> bool:
    """Whether two boxes (left, top, right, bottom) share an area."""
    return min(a[2], b[2]) - max(a[0], b[0]) > 0.5 and min(a[3], b[3]) - max(a[1], b[1]) > 0.5


def _drawn_panels(report_html, shot):
    """The report's charts as laid out in Chromium (a screenshot in ``shot``), by figure id."""
    return {c.id: c for c in render_offline(report_html, screenshot=shot).charts}


def _check_panels(chart, shot, min_ink: float) -> list:
    """Each panel drawn (ink in it), apart from the others; returns their boxes."""
    boxes = list(chart.panels.values())
    assert boxes and not any(_overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:]), chart
    assert all(ink_fraction(shot, b) > min_ink for b in boxes), chart
    return boxes


@pytest.mark.slow
def test_trend_charts_are_small_multiples_with_the_legend_outside_and_tables_fit(reports, tmp_path):
    shot = tmp_path / "page.png"
    result = render_offline(reports / "trend" / "report.html", screenshot=shot)
    drawn = {c.id: c for c in result.charts}
    # Each ISIC mode, each frame, each rate in its own panel, each panel drawn (not blank).
    assert set(drawn["chart-modes"].panels) == set(MODES)
    assert set(drawn["chart-frames"].panels) == {"individual", "collective_social", "collective_labour", "mixed"}
    assert len(drawn["chart-rates"].panels) == 4
    for chart in (drawn["chart-modes"], drawn["chart-frames"], drawn["chart-rates"], drawn["chart-frames_code-article"]):
        boxes = _check_panels(chart, shot, 0.01)
        assert all(b[2] - b[0] > 150 and b[3] - b[1] > 80 for b in boxes), chart
        # The legend is drawn, outside every panel's data area.
        assert chart.legend is not None and chart.legend[2] - chart.legend[0] > 100, chart
        assert not any(_overlap(chart.legend, b) for b in boxes), chart
    # The slope table (readable column names) fits the page: no sideways scroll, of the table or of the page.
    tables = {t.id: t for t in result.tables}
    slopes = tables["table-slopes"]
    assert slopes.scroll_width <= slopes.client_width + 1 and slopes.width <= slopes.page_width, slopes
    html = (reports / "trend" / "report.html").read_text(encoding="utf-8")
    assert "log_odds_low" not in html and "Points per decade" in html


@pytest.mark.slow
def test_compare_charts_have_one_panel_per_mode_and_frame(reports, tmp_path):
    shot = tmp_path / "page.png"
    drawn = _drawn_panels(reports / "compare" / "report.html", shot)
    assert set(drawn["chart-modes"].panels) == set(MODES)
    assert {"individual", "collective_social", "collective_labour"} <= set(drawn["chart-frames"].panels)
    for chart in (drawn["chart-modes"], drawn["chart-frames"]):
        _check_panels(chart, shot, 0.005)
