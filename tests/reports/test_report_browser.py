"""``report.html`` in a real browser (Debian's Chromium, offline): charts drawn, no request made.

Marked slow; skipped without Chromium (``make browser`` installs it), failed
instead when ``ISIC_REQUIRE_BROWSER=1`` (as in ``.ci/run``).
"""

from __future__ import annotations

import pandas as pd
import pytest
from tests.browser import ink_fraction, render_offline

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
