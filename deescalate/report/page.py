"""The report as one self-contained HTML page: styles and charts inline, no scripts, no network.

The page follows the reader's colour scheme (``prefers-color-scheme``) and prints cleanly. Every
number a test or a reader may check carries ``data-figure`` (``promises.made``); every chart is a
``<figure class="chart">`` with ``data-chart`` and the ``data-series`` its legend names.
"""

from __future__ import annotations

from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from importlib.resources import files
from zoneinfo import ZoneInfo

from jinja2 import Environment, StrictUndefined, select_autoescape
from markupsafe import Markup

from deescalate.report.charts import Chart, draw_charts
from deescalate.report.figures import DIFFICULT, AgentFigures, ReportFigures

__all__ = ["render_page", "ticket_link"]

_RULES_SHOWN = 12


def ticket_link(template: str | None, ticket: str) -> str | None:
    """The helpdesk address of ``ticket`` (``zendesk:123``) from a template with ``{system}``
    and ``{id}`` (``https://acme.zendesk.com/agent/tickets/{id}``), or None without one."""
    if not template:
        return None
    system, _, ident = ticket.partition(":")
    return template.replace("{system}", system).replace("{id}", ident)


def render_page(
    figures: ReportFigures,
    *,
    made_at: datetime,
    examples: bool = False,
    ticket_url: str | None = None,
) -> str:
    """The HTML page of ``figures``; an empty period says so instead of drawing empty charts."""
    charts = {} if figures.empty else draw_charts(figures)
    zone = ZoneInfo(figures.timezone)

    def when(moment: datetime) -> str:
        return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")

    def chart(chart_id: str) -> Markup:
        found = charts.get(chart_id)
        return _figure(found) if found is not None else Markup("")

    def busiest(agent: AgentFigures) -> str:
        if not agent.difficult:
            return ""
        top = max(agent.difficult_per_day)
        day = figures.days[agent.difficult_per_day.index(top)]
        return f"{top} on {day.strftime('%b %d')}"

    start, end = when(figures.start), when(figures.end)
    template = _environment().from_string(
        files("deescalate.report").joinpath("page.html").read_text(encoding="utf-8")
    )
    return template.render(
        figures=figures, period=f"{start} to {end}", start=start, end=end, when=when,
        chart=chart, busiest=busiest, examples=examples, made_at=made_at, version=_version(),
        difficult=sum(figures.stages[s] for s in DIFFICULT),
        escalations=sum(figures.escalations_per_day), rules_shown=_RULES_SHOWN,
        links={t.ticket: ticket_link(ticket_url, t.ticket) for t in figures.attention},
    )  # fmt: skip


def _version() -> str:
    try:
        return version("deescalate")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "(development)"


def _environment() -> Environment:
    return Environment(
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _figure(chart: Chart) -> Markup:
    # The SVG is matplotlib's own markup (its text escaped by matplotlib); the rest is escaped.
    return Markup(
        '<figure class="chart" id="chart-{id}" data-chart="{id}" data-series="{series}">'
        "{svg}</figure>"
    ).format(id=chart.id, series="|".join(chart.series), svg=Markup(chart.svg))
