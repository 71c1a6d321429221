"""Render a self-contained HTML page in a real headless Chromium, offline, and report what it did.

Used by the browser tests of ``report.html``::

    from tests.browser import render_offline

    result = render_offline(path_to_report_html, screenshot=tmp_path / "report.png")
    assert result.requests == []                     # nothing fetched: no network, no other file
    assert result.console_errors == []
    assert all(c.visible and c.marks > 10 for c in result.charts)

``tests/`` is a package (``tests/__init__.py``: a test dependency, ppi-python,
installs a top-level ``tests`` package of its own, which would otherwise shadow
ours) and the repository root is on ``sys.path`` (pytest's ``pythonpath``), so
``from tests.browser import render_offline`` works in every test.

The browser is Debian's Chromium (``/usr/bin/chromium``, installed by ``make browser``),
driven by Playwright's sync API with ``executable_path``: never ``playwright install``.
When it is missing the tests are skipped, or fail when ``ISIC_REQUIRE_BROWSER=1`` (CI).
``ISIC_CHROMIUM`` overrides the path (e.g. to a missing file, to check the skip/fail).

What counts as a request: everything the page (its frames, workers, scripts, CSS,
link hints) asks the browser to fetch, on any scheme: ``http(s):``, ``ws(s):`` and
``file:`` (another file next to the report is a dependency too), except the one
navigation that opens the page itself. Each is recorded and aborted, so nothing is
loaded. ``data:`` and ``blob:`` URLs are allowed and not reported: their content is
inline in the page, and Chromium does not route them through the network stack.
``<link rel="preconnect">`` and ``<link rel="dns-prefetch">`` open connections without
a request: their ``href`` is reported too.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
# Flags for this closed network: without the background-networking ones Chromium
# makes connections of its own (component updates, variations, sync...).
# Playwright adds --headless and its own new, empty --user-data-dir.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Belt and braces: no host name resolves (requests are aborted before anyway).
    "--host-resolver-rules=MAP * ~NOTFOUND",
]
# Elements that draw something in an SVG (when they have a box and are not hidden).
MARK_SELECTOR = "path, line, polyline, polygon, rect, circle, ellipse, use, text"
# Containers whose children are templates, not drawn themselves (matplotlib puts its
# marker and glyph paths in <defs> and draws them with <use>).
NOT_DRAWN_SELECTOR = (
    "defs, clipPath, mask, symbol, marker, pattern, linearGradient, radialGradient, filter"
)


@dataclass
class ChartInfo:
    """One ``<figure class="chart">`` as laid out by the browser."""

    id: str
    width: float  # the figure's first <svg>, CSS pixels (0 when there is none)
    height: float
    marks: int  # drawn graphic elements inside the svg
    visible: (
        bool  # the svg has a non-empty box and is not display:none / visibility:hidden / opacity:0
    )
    x: float = 0.0  # top-left corner of the svg in the page (CSS pixels; = screenshot pixels)
    y: float = 0.0
    # The data area (axes background) of each panel, by the gid matplotlib wrote (``<g id="...-panel-<name>">``):
    # ``{name: (left, top, right, bottom)}``, page CSS pixels; and the box of the legend (``...-legend``), if any.
    panels: dict[str, tuple[float, float, float, float]] = field(default_factory=dict)
    legend: tuple[float, float, float, float] | None = None


@dataclass
class TableInfo:
    """One ``<table id=...>`` as laid out: its box and whether its content is wider than it (sideways scroll)."""

    id: str
    width: float  # the table's box (CSS pixels)
    scroll_width: float  # its content's width: > client_width when the table scrolls sideways
    client_width: float
    page_width: float  # the width of the page's body: a wider table makes the page scroll


@dataclass
class RenderResult:
    title: str
    requests: list[str] = field(default_factory=list)  # URLs asked for (all aborted), in order
    console_errors: list[str] = field(
        default_factory=list
    )  # console.error + "pageerror: " uncaught errors
    charts: list[ChartInfo] = field(default_factory=list)
    # Visible text (HTML or SVG <text>) that the browser laid out with no width: no font
    # could draw it (Chromium draws nothing, silently, when the machine has no font).
    unrendered_text: list[str] = field(default_factory=list)
    tables: list[TableInfo] = field(default_factory=list)


def _required() -> bool:
    return os.environ.get("ISIC_REQUIRE_BROWSER", "") not in ("", "0")


def _unavailable(reason: str):
    if _required():
        pytest.fail(
            f"{reason} (ISIC_REQUIRE_BROWSER=1: the browser tests must run; see `make browser`)"
        )
    pytest.skip(f"{reason}: browser test skipped (run `make browser` as root to install it)")


def chromium_or_skip(path: str | os.PathLike | None = None) -> str:
    """The Chromium to use: ``path``, else ``$ISIC_CHROMIUM``, else ``/usr/bin/chromium``.

    Skips the calling test when it is missing, or fails it when ``ISIC_REQUIRE_BROWSER=1``;
    the same when the ``playwright`` package cannot be imported.
    """
    exe = str(path or os.environ.get("ISIC_CHROMIUM") or CHROMIUM)
    if not (os.path.isfile(exe) and os.access(exe, os.X_OK)):
        _unavailable(f"no Chromium at {exe}")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        _unavailable(f"the playwright package is not installed ({exc})")
    return exe


# Runs in the page once it has loaded; returns one dict per figure.chart.
_CHARTS_JS = """
async ([markSelector, notDrawnSelector]) => {
  if (document.fonts) await document.fonts.ready;
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const shown = el => el.checkVisibility({opacityProperty: true, visibilityProperty: true});
  return Array.from(document.querySelectorAll("figure.chart")).map(fig => {
    const svg = fig.querySelector("svg");
    if (!svg) return {id: fig.id, width: 0, height: 0, marks: 0, visible: false, x: 0, y: 0};
    const box = svg.getBoundingClientRect();
    let marks = 0;
    for (const el of svg.querySelectorAll(markSelector)) {
      if (el.closest(notDrawnSelector)) continue;
      const r = el.getBoundingClientRect();
      if ((r.width > 0 || r.height > 0) && shown(el)) marks += 1;
    }
    const page = r => [r.left + window.scrollX, r.top + window.scrollY, r.right + window.scrollX, r.bottom + window.scrollY];
    const panels = {};
    for (const g of svg.querySelectorAll('g[id*="-panel-"]')) {
      const patch = Array.from(g.children).find(c => c.id && c.id.includes("patch"));
      if (patch) panels[g.id.slice(g.id.indexOf("-panel-") + 7)] = page(patch.getBoundingClientRect());
    }
    const legend = svg.querySelector('g[id$="-legend"]');
    return {
      id: fig.id, width: box.width, height: box.height, marks: marks,
      visible: box.width > 0 && box.height > 0 && shown(svg),
      x: box.left + window.scrollX, y: box.top + window.scrollY,
      panels: panels, legend: legend ? page(legend.getBoundingClientRect()) : null,
    };
  });
}
"""

_UNRENDERED_TEXT_JS = """
() => {
  const out = [];
  const walker = document.createTreeWalker(document.body || document.documentElement, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    const parent = node.parentElement;
    if (!text || !parent || parent.closest("script, style, noscript, template, title, defs")) continue;
    if (!parent.checkVisibility({opacityProperty: true, visibilityProperty: true})) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const r = range.getBoundingClientRect();
    if (r.width === 0) out.push(text.slice(0, 80));
  }
  return out;
}
"""

_TABLES_JS = """
() => Array.from(document.querySelectorAll("table[id]")).map(t => ({
  id: t.id, width: t.getBoundingClientRect().width, scroll_width: t.scrollWidth, client_width: t.clientWidth,
  page_width: document.body.clientWidth,
}))
"""

_HINTS_JS = """
() => Array.from(document.querySelectorAll('link[rel~="preconnect" i], link[rel~="dns-prefetch" i]'))
          .map(l => l.href).filter(h => h)
"""


def render_offline(
    html_path: str | os.PathLike,
    *,
    screenshot: str | os.PathLike | None = None,
    width: int = 1280,
    height: int = 800,
    chromium: str | os.PathLike | None = None,
    timeout_ms: float = 30_000,
    env: dict[str, str] | None = None,
) -> RenderResult:
    """Open ``html_path`` (``file://``) in headless Chromium with every other request blocked.

    Waits for the load event and for the network to be idle (so requests made by
    scripts shortly after load are seen too), then measures the charts; takes a
    full-page PNG screenshot when ``screenshot`` is given. One browser per call
    (launching Debian's Chromium takes a fraction of a second; a call ~1.5 s, of
    which 0.5 s is the network-idle wait). ``env``: Chromium's environment
    (default: this process's).
    """
    exe = chromium_or_skip(chromium)
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    url = Path(html_path).resolve().as_uri()
    blocked: list = []  # Request objects aborted by the route
    seen: list = []  # every Request the browser reported
    sockets: list[str] = []
    errors: list[str] = []
    page_request: list = []  # the navigation that opens the page (allowed once)

    def route(r):
        req = r.request
        if not page_request and req.is_navigation_request() and req.url.split("#")[0] == url:
            page_request.append(req)
            r.continue_()
        else:
            blocked.append(req)
            r.abort()

    def route_socket(ws):
        # Not connecting to the server: the socket never leaves the browser.
        sockets.append(ws.url)
        ws.close()

    def on_console(msg):
        if msg.type == "error":
            loc = msg.location or {}
            where = f" ({loc.get('url')}:{loc.get('lineNumber')})" if loc.get("url") else ""
            errors.append(msg.text + where)

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=exe, args=CHROMIUM_FLAGS, headless=True, timeout=timeout_ms, env=env
        )
        try:
            context = browser.new_context(
                viewport={"width": width, "height": height},
                device_scale_factor=1,
                service_workers="block",
            )
            context.route("**/*", route)
            context.route_web_socket("**/*", route_socket)
            context.on("request", lambda req: seen.append(req))
            page = context.new_page()
            page.set_default_timeout(timeout_ms)
            page.on("console", on_console)
            page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
            page.on("websocket", lambda ws: sockets.append(ws.url))
            page.goto(url, wait_until="load")
            try:
                page.wait_for_load_state("networkidle", timeout=min(timeout_ms, 5_000))
            except PlaywrightError:
                pass  # something keeps the network busy: what it asked for is recorded anyway
            charts = [
                ChartInfo(**c)
                for c in page.evaluate(_CHARTS_JS, [MARK_SELECTOR, NOT_DRAWN_SELECTOR])
            ]
            tables = [TableInfo(**t) for t in page.evaluate(_TABLES_JS)]
            hints = page.evaluate(_HINTS_JS)
            unrendered = page.evaluate(_UNRENDERED_TEXT_JS)
            title = page.title()
            if screenshot is not None:
                Path(screenshot).parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(screenshot), full_page=True)
            context.close()
        finally:
            browser.close()

    # Requests in the order the browser made them; any that escaped the route are
    # reported as well (there should be none).
    requests = [req.url for req in seen if not any(req is q for q in page_request)]
    requests += [req.url for req in blocked if not any(req is q for q in seen)]
    for extra in [*sockets, *hints]:
        if extra not in requests:
            requests.append(extra)
    return RenderResult(
        title=title,
        requests=requests,
        console_errors=errors,
        charts=charts,
        unrendered_text=unrendered,
        tables=tables,
    )


def ink_fraction(png: str | os.PathLike, box: tuple[float, float, float, float]) -> float:
    """Share of the pixels of a screenshot, in ``box`` (left, top, right, bottom), that are not near white.

    ``box`` in CSS pixels (= screenshot pixels: device scale factor 1), e.g. from a
    :class:`ChartInfo`: ``(c.x, c.y, c.x + c.width, c.y + c.height)``.
    """
    from PIL import Image

    with Image.open(png) as img:
        if img.format != "PNG":
            raise ValueError(f"{png} is not a PNG but {img.format}")
        histogram = img.convert("L").crop(tuple(round(v) for v in box)).histogram()
    return sum(histogram[:235]) / max(1, sum(histogram))
