"""A person's timeline as a picture: statements and other mentions per day, as PNG bytes.

Drawing is CPU work for a worker process (`runtime.cpu`), so matplotlib is imported there, on the
first chart, and never by the bot's own process. Its Agg renderer and the DejaVu fonts it ships
need nothing from the system or the network; no pyplot, so no global figure state either.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from babel.dates import format_date

from digests.actors.model import DayCount

WIDTH, HEIGHT, DPI = 800, 400, 100  # pixels: small beside Telegram's 10 MB and 10,000 px
MAX_TICK_LABELS = 8
MAX_TITLE = 60  # characters of a name in the title; the caption carries the whole name
STATEMENTS_COLOUR = "#1f5fa8"  # blue and orange stay apart for colour-blind readers too
MENTIONS_COLOUR = "#f0a030"


@dataclass(frozen=True, slots=True)
class ChartWords:
    """The picture's words, already in the reader's language: the worker process drawing it
    has no reader's context to translate in."""

    language: str  # for the dates under the bars
    statements: str
    mentions: str
    axis: str  # the years and whose days they are
    untitled: str  # the title when the font cannot draw the name


def every_day(counts: Sequence[DayCount]) -> list[DayCount]:
    """The days from the first to the last, those with nothing at zero: gaps read as gaps."""
    if not counts:
        return []
    known = {count.day: count for count in counts}
    first, last = counts[0].day, counts[-1].day
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return [known.get(day) or DayCount(day, 0, 0) for day in days]


def years(counts: Sequence[DayCount]) -> str:
    first, last = counts[0].day.year, counts[-1].day.year
    return str(first) if first == last else f"{first}–{last}"


def draw_timeline(name: str, counts: Sequence[DayCount], words: ChartWords) -> bytes:
    """Stacked bars per day (oldest first, as `activity_by_day` gives them, on the reader's
    calendar), titled with the name, as an 800×400 PNG."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    days = every_day(counts)
    figure = Figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI)
    # Fixed margins: the picture's size never changes, and a layout engine would double the
    # drawing time to find the same ones.
    figure.subplots_adjust(left=0.08, right=0.95, top=0.91, bottom=0.2)
    axes = figure.subplots()
    positions = list(range(len(days)))
    statements = [day.statements for day in days]
    axes.bar(positions, statements, color=STATEMENTS_COLOUR, label=words.statements)
    axes.bar(
        positions,
        [day.mentions for day in days],
        bottom=statements,
        color=MENTIONS_COLOUR,
        label=words.mentions,
    )
    step = -(-len(days) // MAX_TICK_LABELS)  # ceiling: at most MAX_TICK_LABELS dates
    ticks = positions[::-step][::-1]  # counted back from the newest day, which always has one
    dates = [format_date(days[i].day, "d MMM", locale=words.language) for i in ticks]
    axes.set_xticks(ticks, dates)
    axes.set_xlim(-0.6, len(days) - 0.4)
    axes.set_xlabel(words.axis)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_title(_title(name, words.untitled))
    # Below the dates, not over the bars: a legend inside would cover the tallest ones.
    figure.legend(loc="lower center", ncols=2, frameon=False)
    buffer = io.BytesIO()
    FigureCanvasAgg(figure).print_png(buffer)
    return buffer.getvalue()


def _title(name: str, untitled: str) -> str:
    """The name, when the bundled font has every letter of it (DejaVu covers Latin, Greek and
    Cyrillic, not Chinese, say): no boxes in place of letters, however the name is written."""
    from matplotlib import font_manager

    short = name if len(name) <= MAX_TITLE else name[: MAX_TITLE - 1] + "…"
    font = font_manager.get_font(font_manager.findfont(font_manager.FontProperties()))
    letters = font.get_charmap()
    drawable = all(ord(letter) in letters or letter.isspace() for letter in short)
    return short if drawable and short.strip() else untitled
