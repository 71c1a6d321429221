"""Self-tests of ``tests/browser.py``: the headless-Chromium check used on ``report.html``.

The fixture pages are in ``tests/fixtures/html/`` (regenerate them with
``python tests/fixtures/html/make_pages.py``). The tests that start Chromium are
marked slow; they are skipped without ``/usr/bin/chromium`` (``make browser``
installs it), and fail instead when ``ISIC_REQUIRE_BROWSER=1`` (as in ``.ci/run``).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tests.browser import (
    ChartInfo,
    chromium_or_skip,
    ink_fraction,
    render_offline,
)

HTML = Path(__file__).resolve().parent / "fixtures" / "html"


def _box(chart: ChartInfo) -> tuple[float, float, float, float]:
    return chart.x, chart.y, chart.x + chart.width, chart.y + chart.height


@pytest.mark.slow
def test_offline_page_draws_its_charts_and_requests_nothing(tmp_path):
    shot = tmp_path / "offline.png"
    result = render_offline(HTML / "offline.html", screenshot=shot)

    assert result.title == "Rapport isic_nlp (offline)"
    assert result.requests == []
    assert result.console_errors == []
    assert result.unrendered_text == []
    assert [c.id for c in result.charts] == ["chart-framing", "chart-trend"]
    for chart in result.charts:
        assert chart.visible, chart
        assert chart.width > 300 and chart.height > 150, chart
        # matplotlib draws bars, ticks, glyphs, markers: well over a hundred marks here
        assert chart.marks > 50, chart

    # A real PNG of the full page, with the charts painted in it...
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    for chart in result.charts:
        assert ink_fraction(shot, _box(chart)) > 0.05, chart
    # ...and the text above them painted too (Chromium has a font: fonts-dejavu-core).
    first = result.charts[0]
    assert ink_fraction(shot, (first.x, 0, first.x + first.width, first.y)) > 0.005


@pytest.mark.slow
def test_every_request_of_a_leaky_page_is_reported_and_blocked(tmp_path):
    result = render_offline(HTML / "leaky.html", screenshot=tmp_path / "leaky.png")

    base = (HTML / "leaky.html").resolve().as_uri().rsplit("/", 1)[0]
    expected = {
        "https://example.org/x.png",  # <img>
        "https://fonts.example/x.css",  # <link rel="stylesheet">
        f"{base}/other.css",  # another file, which exists
        f"{base}/other.js",  # <script src>, which exists
        "http://127.0.0.1:9/",  # fetch() in an inline script
        f"{base}/late.json",  # fetch() 200 ms after load
        "ws://127.0.0.1:9/ws",  # WebSocket
        "https://preconnect.example/",  # <link rel="preconnect">
    }
    assert expected <= set(result.requests), result.requests
    assert set(result.requests) == expected  # nothing else, and the page itself not counted
    assert not any(url.startswith("data:") for url in result.requests)  # inline data: is allowed
    # Blocked, so the browser complains about them; the charts are still drawn.
    assert any("ERR_FAILED" in e for e in result.console_errors), result.console_errors
    assert [c.marks > 50 and c.visible for c in result.charts] == [True, True]


@pytest.mark.slow
def test_blocked_files_are_not_loaded(tmp_path):
    """``other.css`` would paint the page pink and ``other.js`` would draw a chart: neither may happen."""
    page = tmp_path / "page.html"
    (tmp_path / "other.css").write_text("body { background: #f00; }\n", encoding="utf-8")
    (tmp_path / "other.js").write_text(
        'document.getElementById("late").innerHTML = '
        '\'<svg width="200" height="100"><rect width="200" height="100" fill="black"/></svg>\';\n',
        encoding="utf-8",
    )
    page.write_text(
        '<!DOCTYPE html><html><head><title>t</title><link rel="stylesheet" href="other.css"></head>'
        '<body><figure class="chart" id="late"></figure><script src="other.js"></script></body></html>',
        encoding="utf-8",
    )
    shot = tmp_path / "page.png"
    result = render_offline(page, screenshot=shot, width=400)
    assert result.requests == [(tmp_path / "other.css").as_uri(), (tmp_path / "other.js").as_uri()]
    assert result.charts == [ChartInfo(id="late", width=0, height=0, marks=0, visible=False)]
    assert ink_fraction(shot, (0, 0, 400, 100)) == 0  # white: no red background


@pytest.mark.slow
def test_hidden_and_empty_charts_have_no_marks(tmp_path):
    shot = tmp_path / "hidden.png"
    result = render_offline(HTML / "hidden.html", screenshot=shot)

    assert result.requests == []
    assert result.unrendered_text == []  # hidden captions are not counted
    charts = {c.id: c for c in result.charts}
    assert list(charts) == [
        "chart-shown",
        "chart-display-none",
        "chart-visibility-hidden",
        "chart-empty",
        "chart-no-svg",
    ]
    assert charts["chart-shown"].visible and charts["chart-shown"].marks > 50
    for hidden in ("chart-display-none", "chart-visibility-hidden", "chart-no-svg"):
        assert (charts[hidden].visible, charts[hidden].marks) == (False, 0), charts[hidden]
    assert (charts["chart-display-none"].width, charts["chart-display-none"].height) == (0, 0)
    # An empty <svg> takes its place in the page but draws nothing.
    empty = charts["chart-empty"]
    assert (empty.width, empty.height, empty.marks) == (460, 260, 0)
    assert ink_fraction(shot, _box(empty)) == 0
    assert ink_fraction(shot, _box(charts["chart-shown"])) > 0.05


@pytest.mark.slow
def test_text_without_a_font_is_reported(tmp_path):
    """With no font (an empty fontconfig), Chromium silently draws no text: the check must say so."""
    fonts = tmp_path / "no-fonts"
    fonts.mkdir()
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        f'<?xml version="1.0"?><fontconfig><dir>{fonts}</dir><cachedir>{tmp_path / "cache"}</cachedir></fontconfig>\n',
        encoding="utf-8",
    )
    result = render_offline(HTML / "offline.html", env={**os.environ, "FONTCONFIG_FILE": str(conf)})
    assert result.unrendered_text[:2] == [
        "Rapport isic_nlp : cadrage de l’intervention sociale",
        "Données de test, éèàçœ.",
    ]
    assert "Collective framing over time" in result.unrendered_text  # an SVG <text> of chart-trend
    # Glyphs drawn as paths (chart-framing) do not need a font; the <text> of chart-trend vanish.
    marks = {c.id: c.marks for c in result.charts}
    assert marks["chart-framing"] > 50 and marks["chart-trend"] < 60


def test_missing_browser_skips(monkeypatch, tmp_path):
    monkeypatch.delenv("ISIC_REQUIRE_BROWSER", raising=False)
    monkeypatch.setenv("ISIC_CHROMIUM", str(tmp_path / "no-chromium"))
    with pytest.raises(pytest.skip.Exception, match="no Chromium at"):
        chromium_or_skip()
    with pytest.raises(pytest.skip.Exception):
        render_offline(HTML / "offline.html")


def test_missing_browser_fails_when_required(monkeypatch, tmp_path):
    monkeypatch.setenv("ISIC_REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match="ISIC_REQUIRE_BROWSER=1"):
        chromium_or_skip(tmp_path / "no-chromium")
    monkeypatch.setenv("ISIC_CHROMIUM", str(tmp_path / "no-chromium"))
    with pytest.raises(pytest.fail.Exception, match="ISIC_REQUIRE_BROWSER=1"):
        render_offline(HTML / "offline.html")


def test_chromium_path_default(monkeypatch):
    monkeypatch.delenv("ISIC_CHROMIUM", raising=False)
    monkeypatch.delenv("ISIC_REQUIRE_BROWSER", raising=False)
    assert chromium_or_skip() == "/usr/bin/chromium"  # skips when it is not installed
