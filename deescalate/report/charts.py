"""The report's charts: matplotlib figures written as inline SVG (the ``report`` extra).

Text stays text (``svg.fonttype = none``), so a chart is small, searchable and printable. Text,
axes and grid are drawn in a placeholder colour that becomes ``currentColor``: the SVG takes the
page's text colour, light or dark. Series colours are mid-tones that read on both backgrounds.
Each chart has a title, labelled axes with units, and a legend naming its series.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from deescalate.errors import MissingExtraError
from deescalate.report.figures import ReportFigures
from deescalate.stages import Stage

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["STAGE_COLOURS", "Chart", "draw_charts"]

# Drawn in this colour, then swapped for currentColor (no series uses it).
_INK = "#010203"
STAGE_COLOURS = {
    Stage.CALM: "#2E9E6B",
    Stage.FRUSTRATED: "#D9B21F",
    Stage.UPSET: "#E6820E",
    Stage.ANGRY: "#D5401A",
    Stage.IRATE: "#B0246F",
}
_KEPT, _BROKEN, _OPEN, _CANCELLED = "#2E9E6B", "#D5401A", "#4A8FD4", "#8C8C8C"
_AGENT_COLOURS = ("#4A8FD4", "#E6820E", "#2E9E6B", "#B0246F", "#D9B21F", "#7B61C9", "#8C8C8C")
_AGENTS_SHOWN = 6
_BARS_SHOWN = 12
_WIDTH = 7.2  # inches; the SVG scales to the page's width


@dataclass(frozen=True, slots=True)
class Chart:
    """One chart: its id, title, the series its legend names, and the SVG markup."""

    id: str
    title: str
    series: tuple[str, ...]
    svg: str


def _matplotlib() -> Any:
    try:
        import matplotlib
    except ImportError as exc:
        raise MissingExtraError("the report's charts", "report") from exc
    return matplotlib


@contextmanager
def _style(salt: str) -> Iterator[None]:
    matplotlib = _matplotlib()
    rc = {
        "svg.fonttype": "none",
        "text.parse_math": False,  # an agent called "$ales" is a name, not a formula
        "svg.hashsalt": salt,  # ids unique per chart: several SVGs share one page
        "font.family": "sans-serif",
        "font.size": 9,
        "text.color": _INK,
        "axes.labelcolor": _INK,
        "axes.edgecolor": _INK,
        "axes.titlecolor": _INK,
        "xtick.color": _INK,
        "ytick.color": _INK,
        "grid.color": _INK,
        "grid.alpha": 0.15,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "legend.frameon": False,
        "figure.facecolor": "none",
        "axes.facecolor": "none",
        "savefig.facecolor": "none",
    }
    with matplotlib.rc_context(rc):
        yield


def _svg(figure: Figure, chart_id: str, title: str) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    text = text[text.index("<svg") :]  # no XML declaration or doctype inside HTML
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, count=1, flags=re.DOTALL)
    text = text.replace(_INK, "currentColor")
    # The page sizes the chart; the viewBox keeps its proportions.
    text = re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r"<svg\1", text, count=1)
    label = title.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return text.replace("<svg", f'<svg role="img" aria-labelledby="{chart_id}-title"', 1).replace(
        ">", f'><title id="{chart_id}-title">{label}</title>', 1
    )


def _figure(height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(_WIDTH, height), layout="constrained")


def _day_axis(ax: Axes, days: Sequence[date]) -> None:
    step = max(1, len(days) // 8)
    ticks = list(range(0, len(days), step))
    ax.set_xticks(ticks, [days[i].strftime("%b %d") for i in ticks])
    ax.set_xlabel("day")
    ax.set_xlim(-0.6, len(days) - 0.4)


def _integer_y(ax: Axes, label: str) -> None:
    from matplotlib.ticker import MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel(label)
    ax.grid(axis="y")


def _integer_x(ax: Axes, label: str) -> None:
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(label)
    ax.grid(axis="x")


def _draw(
    chart_id: str, title: str, series: Sequence[str], height: float, paint: Callable[[Axes], None]
) -> Chart:
    with _style(chart_id):
        figure = _figure(height)
        ax = figure.add_subplot()
        paint(ax)
        ax.set_title(title, loc="left", fontweight="bold")
        return Chart(chart_id, title, tuple(series), _svg(figure, chart_id, title))


def _stages(figures: ReportFigures) -> Chart:
    def paint(ax: Axes) -> None:
        x = list(range(len(figures.days)))
        bottom = [0] * len(x)
        for stage in Stage:
            counts = figures.stages_per_day[stage]
            ax.bar(x, counts, bottom=bottom, color=STAGE_COLOURS[stage], label=stage.value)
            bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
        _day_axis(ax, figures.days)
        _integer_y(ax, "customer messages per day")
        ax.legend(ncols=5, loc="upper left", bbox_to_anchor=(0, -0.18))

    series = [stage.value for stage in Stage]
    return _draw("stages", "Customer messages by stage, per day", series, 3.2, paint)


def _escalations(figures: ReportFigures) -> Chart:
    def paint(ax: Axes) -> None:
        x = list(range(len(figures.days)))
        ax.bar([i - 0.2 for i in x], figures.escalations_per_day, width=0.4,
               color=STAGE_COLOURS[Stage.ANGRY], label="escalations")  # fmt: skip
        ax.bar([i + 0.2 for i in x], figures.deescalations_per_day, width=0.4,
               color=STAGE_COLOURS[Stage.CALM], label="de-escalations")  # fmt: skip
        _day_axis(ax, figures.days)
        _integer_y(ax, "customer messages per day")
        ax.legend(ncols=2, loc="upper left", bbox_to_anchor=(0, -0.18))

    title = "Escalations and de-escalations, per day"
    return _draw("escalations", title, ["escalations", "de-escalations"], 2.8, paint)


def _promises_by_agent(figures: ReportFigures) -> Chart:
    agents = sorted(
        (a for a in figures.agents if a.promises_made),
        key=lambda a: (-a.promises_made, a.agent),
    )[:_BARS_SHOWN]
    agents.reverse()  # the busiest at the top

    def paint(ax: Axes) -> None:
        names = [a.agent for a in agents]
        kept = [a.promises_kept for a in agents]
        broken = [a.promises_broken for a in agents]
        other = [a.promises_made - a.promises_kept - a.promises_broken for a in agents]
        ax.barh(names, kept, color=_KEPT, label="kept")
        ax.barh(names, broken, left=kept, color=_BROKEN, label="broken")
        left = [k + b for k, b in zip(kept, broken, strict=True)]
        ax.barh(names, other, left=left, color=_OPEN, label="open or cancelled")
        _integer_x(ax, "promises made in the period")
        ax.legend(ncols=3, loc="upper left", bbox_to_anchor=(0, -0.22))

    height = 1.4 + 0.3 * len(agents)
    series = ["kept", "broken", "open or cancelled"]
    return _draw("promises", "Promises per agent, by outcome", series, height, paint)


def _lateness(figures: ReportFigures) -> Chart:
    def paint(ax: Axes) -> None:
        labels = [label for label, _ in figures.promises.late]
        counts = [count for _, count in figures.promises.late]
        ax.bar(labels, counts, color=_BROKEN, label="broken promises")
        ax.set_xlabel("time from the due time to the agent's next reply")
        _integer_y(ax, "broken promises")
        ax.legend(loc="upper right")

    title = "How late the broken promises were"
    return _draw("lateness", title, ["broken promises"], 2.8, paint)


def _follow_ups(figures: ReportFigures) -> Chart:
    f = figures.follow_ups

    def paint(ax: Axes) -> None:
        labels = ["opened", "done", "recurred", "still open"]
        counts = [f.opened, f.done, f.recurred, f.open]
        colours = [_OPEN, _KEPT, _BROKEN, _CANCELLED]
        ax.barh(labels[::-1], counts[::-1], color=colours[::-1], label="follow-ups")
        _integer_x(ax, "follow-ups opened in the period")
        ax.legend(loc="lower right")

    return _draw("follow-ups", "Follow-ups after solve", ["follow-ups"], 2.2, paint)


def _rules(figures: ReportFigures) -> Chart:
    shown = list(figures.rules[:_BARS_SHOWN])[::-1]

    def paint(ax: Axes) -> None:
        ax.barh([r.rule for r in shown], [r.replies for r in shown], color=_OPEN,
                label="agent replies")  # fmt: skip
        _integer_x(ax, "agent replies that broke the rule")
        ax.legend(loc="lower right")

    height = 1.2 + 0.3 * len(shown)
    return _draw("rules", "Reply-coach rules that fire most", ["agent replies"], height, paint)


def _difficult_by_agent(figures: ReportFigures) -> Chart:
    ranked = [a for a in figures.agents if a.difficult]
    shown = ranked[:_AGENTS_SHOWN]
    rest = ranked[_AGENTS_SHOWN:]
    series: list[tuple[str, tuple[int, ...]]] = [(a.agent, a.difficult_per_day) for a in shown]
    if rest:
        summed = tuple(sum(day) for day in zip(*(a.difficult_per_day for a in rest), strict=True))
        series.append(("others", summed))

    def paint(ax: Axes) -> None:
        x = list(range(len(figures.days)))
        bottom = [0] * len(x)
        for (name, counts), colour in zip(series, _AGENT_COLOURS, strict=False):
            ax.bar(x, counts, bottom=bottom, color=colour, label=name)
            bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
        _day_axis(ax, figures.days)
        _integer_y(ax, "angry or irate messages per day")
        ax.legend(ncols=4, loc="upper left", bbox_to_anchor=(0, -0.18))

    title = "Difficult contacts per agent, per day"
    return _draw("difficult", title, [name for name, _ in series], 3.0, paint)


def draw_charts(figures: ReportFigures) -> dict[str, Chart]:
    """The report's charts by id; a chart with nothing to show is left out."""
    charts = [_stages(figures), _escalations(figures)]
    if any(a.promises_made for a in figures.agents):
        charts.append(_promises_by_agent(figures))
    if figures.promises.broken:
        charts.append(_lateness(figures))
    if figures.follow_ups.opened:
        charts.append(_follow_ups(figures))
    if figures.rules:
        charts.append(_rules(figures))
    if any(a.difficult for a in figures.agents):
        charts.append(_difficult_by_agent(figures))
    return {chart.id: chart for chart in charts}
