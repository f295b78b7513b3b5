"""charts.js in a real browser (Playwright, Debian's Chromium), fed the JSON the pages embed; no server needed."""

from pathlib import Path

import pytest

from healthaction.web.tests.browser import CHROMIUM

STATIC = Path(__file__).resolve().parents[1] / "static"
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed: browser tests skipped (apt-get install chromium)"
)


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
        )
        page = browser.new_page(viewport={"width": 900, "height": 700})
        page.set_content('<div id="c" style="width:800px;height:360px"></div>')
        page.add_script_tag(path=str(STATIC / "vendor" / "echarts.min.js"))
        page.add_script_tag(path=str(STATIC / "web" / "charts.js"))
        yield page
        browser.close()


def _draw(page, payload):
    return page.evaluate(
        """(d) => {
        const chart = window.healthactionCharts.trend(document.getElementById('c'), d);
        const series = chart.getModel().getSeriesByIndex(0);
        const data = series.getData();
        const drawn = [];
        const points = data.getLayout('points');  // a line series keeps its points' pixels here, x then y
        for (let i = 0; i < data.count(); i++) {
            const el = data.getItemGraphicEl(i);
            drawn.push({x: points ? points[2 * i] : null, shown: !!el && !el.invisible});
        }
        const legend = chart.getOption().series.map((s) => s.name);
        return {drawn: drawn, x2025: chart.convertToPixel({xAxisIndex: 0}, '2025'), legend: legend};
    }""",
        payload,
    )


def test_a_single_reported_value_is_drawn_at_its_year(page):
    """One value in 2025, targets for 2022 and 2030: the point shows, above 2025 (not on the first category)."""
    payload = {
        "name": "居民健康素养水平",
        "unit": "%",
        "years": [2025, 2030],
        "values": [21.5],
        "baseline": None,
        "targets": [[2022, 22.0], [2030, 30.0]],
        "forecast": [],
        "series": {
            "value": {"label": "Reported value", "color": "#0b5cab"},
            "baseline": {"label": "Baseline", "color": "#868e96"},
            "target": {"label": "Target", "color": "#c92a2a"},
            "forecast": {"label": "Trend forecast", "color": "#74a9e0"},
        },
    }
    result = _draw(page, payload)
    assert len(result["drawn"]) == 1 and result["drawn"][0]["shown"] is True
    assert result["drawn"][0]["x"] == pytest.approx(result["x2025"], abs=1)
    assert result["legend"] == ["Reported value", "Target"]  # the words come with the data, in the reader's language
