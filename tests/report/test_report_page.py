"""The report page as a browser shows it: headless Chromium renders every chart and the numbers.

Chromium is run with ``--dump-dom`` (the document it parsed) and ``--screenshot`` (what it drew),
offline and with a throwaway profile. Without a Chromium binary the tests skip, saying so.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from deescalate.cli import main
from tests.report.month import END, START, Month

pytest.importorskip("matplotlib", reason="the report's charts need the 'report' extra")

CHARTS = {
    "stages": {"calm", "frustrated", "upset", "angry", "irate"},
    "escalations": {"escalations", "de-escalations"},
    "promises": {"kept", "broken", "open or cancelled"},
    "lateness": {"broken promises"},
    "follow-ups": {"follow-ups"},
    "rules": {"agent replies"},
    "difficult": {"Ana", "Ben", "Cy"},
}


def chromium() -> str | None:
    """The Chromium binary: ``DEESCALATE_CHROMIUM``, else the first on PATH."""
    named = os.environ.get("DEESCALATE_CHROMIUM")
    if named:
        return named
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


BROWSER = chromium()
pytestmark = pytest.mark.skipif(BROWSER is None, reason="no Chromium binary (apt install chromium)")


def run_chromium(profile: Path, *args: str) -> str:
    assert BROWSER is not None
    flags = [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync", "--hide-scrollbars",
        f"--user-data-dir={profile}",
    ]  # fmt: skip
    done = subprocess.run(
        [BROWSER, *flags, *args], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@dataclass
class Figure:
    """A chart as parsed: its declared series, and the SVG's drawn paths and text."""

    chart: str
    series: set[str]
    paths: int = 0
    texts: list[str] = field(default_factory=list)


class PageReader(HTMLParser):
    """Collects the charts (``figure.chart``) and the numbers (``data-figure``) of the DOM."""

    def __init__(self) -> None:
        super().__init__()
        self.figures: list[Figure] = []
        self.numbers: list[tuple[str, str | None, str]] = []  # (figure, agent row, text)
        self._figure: Figure | None = None
        self._number: str | None = None
        self._agent: str | None = None
        self._in_text = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "figure" and "chart" in (found.get("class") or ""):
            series = set((found.get("data-series") or "").split("|"))
            self._figure = Figure(found.get("data-chart") or "", series)
        elif self._figure is not None and tag == "path":
            self._figure.paths += 1
        elif self._figure is not None and tag == "text":
            self._in_text = True
        if tag == "tr":
            self._agent = found.get("data-agent")
        if found.get("data-figure"):
            self._number = found["data-figure"]

    def handle_data(self, data: str) -> None:
        if self._figure is not None and self._in_text:
            self._figure.texts.append(data.strip())
        if self._number is not None:
            self.numbers.append((self._number, self._agent, data.strip()))
            self._number = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "text":
            self._in_text = False
        if tag == "figure" and self._figure is not None:
            self.figures.append(self._figure)
            self._figure = None


@pytest.fixture(scope="module")
def rendered(month: Month, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The month's page with examples, its JSON, Chromium's DOM and a screenshot."""
    where = tmp_path_factory.mktemp("page")
    page, data = where / "report.html", where / "report.json"
    period = ["--db", month.database, "--since", START.isoformat(), "--until", END.isoformat()]
    assert main(["report", *period, "--examples", "--out", str(page)]) == 0
    assert main(["report", *period, "--format", "json", "--out", str(data)]) == 0
    dom = run_chromium(where / "profile", "--dump-dom", page.as_uri())
    shot = where / "report.png"
    run_chromium(
        where / "profile", "--window-size=1100,1500", f"--screenshot={shot}", page.as_uri()
    )
    reader = PageReader()
    reader.feed(dom)
    return {"json": json.loads(data.read_text()), "reader": reader, "shot": shot, "dom": dom}


def test_every_chart_is_drawn_with_its_series(rendered: dict[str, Any]) -> None:
    """Seven charts, each an SVG with drawn paths and a legend naming its expected series."""
    figures = {f.chart: f for f in rendered["reader"].figures}
    assert set(figures) == set(CHARTS)
    for name, series in CHARTS.items():
        figure = figures[name]
        assert figure.series == series, name
        assert figure.paths > 10, name
        assert series <= set(figure.texts), (name, figure.texts)


def test_the_numbers_shown_are_the_ledgers(rendered: dict[str, Any]) -> None:
    """Every number marked on the page equals the JSON figure of the same name."""
    data = rendered["json"]
    agents = {a["agent"]: a for a in data["agents"]}
    checked = 0
    for name, agent, text in rendered["reader"].numbers:
        if name == "customer_messages":
            expected = sum(data["stages"].values())
        elif name == "difficult":
            expected = data["stages"]["angry"] + data["stages"]["irate"]
        elif name == "escalations":
            expected = data["escalations"]
        elif name.startswith("agents."):
            assert agent is not None
            expected = agents[agent][name.split(".", 1)[1]]
        elif name.startswith("rules."):
            expected = next(r["replies"] for r in data["rules"] if r["rule"] == name[6:])
        else:
            section, key = name.split(".", 1)
            expected = data[section][key]
        assert int(text) == expected, name
        checked += 1
    assert checked >= 20


def test_the_page_names_the_tickets_needing_attention(
    rendered: dict[str, Any], month: Month
) -> None:
    """The broken promises without a reply and the unanswered irate tickets are listed."""
    for ticket in (*month.broken_without_reply, *month.unanswered_irate):
        assert f'data-ticket="{ticket}"' in rendered["dom"]


def test_the_screenshot_shows_a_drawn_page(rendered: dict[str, Any]) -> None:
    """Chromium's screenshot is a 1100 pixel wide image that is not one flat colour."""
    image = pytest.importorskip("matplotlib.image").imread(rendered["shot"])
    assert image.shape[1] == 1100
    assert float(image[..., :3].std()) > 0.05
