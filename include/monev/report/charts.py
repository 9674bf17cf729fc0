"""Charts for the staff report as inline SVG: crisp at any size and in print, no network,
no plotting library. Each chart is a figure with a title and a text alternative (the
figures it shows, in words); labels and numbers are escaped text in Indonesian formats."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 640
LABEL_WIDTH = 230
VALUE_WIDTH = 90
ROW = 26
BAR = 16


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    shown: str  # the value as the reader reads it (Indonesian format)
    series: str = "utama"


def _text(x: float, y: float, text: str, anchor: str = "start", css: str = "") -> str:
    css_class = f' class="{css}"' if css else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{css_class}>'
            f"{escape(text)}</text>")


def _short(label: str, limit: int = 34) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bar_chart(chart_id: str, title: str, bars: list[Bar],
              legend: dict[str, str] | None = None) -> Markup:
    """Horizontal bars, one row per bar (several series side by side share a row label
    when they follow each other with the same label). ``legend`` names each series;
    bars that share a label are then scaled to their own largest (one unit per label:
    orang and dokumen are never drawn on one scale). ``chart_id`` is unique in the page
    (the text alternative points at it)."""
    top = 8 + (ROW if legend else 0)
    overall = max((b.value for b in bars), default=0) or 1
    per_label: dict[str, float] = {}
    for bar in bars:
        per_label[bar.label] = max(per_label.get(bar.label, 0), bar.value)
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    parts, y, previous = [], top, None
    for bar in bars:
        if bar.label != previous:
            if previous is not None:
                y += 6
            parts.append(_text(LABEL_WIDTH - 8, y + BAR - 3, _short(bar.label), "end", "label"))
            previous = bar.label
        biggest = (per_label[bar.label] or 1) if legend else overall
        width = max(span * bar.value / biggest, 1 if bar.value else 0)
        parts.append(f'<rect class="bar {escape(bar.series)}" x="{LABEL_WIDTH}" y="{y}"'
                     f' width="{width:.1f}" height="{BAR}"></rect>')
        parts.append(_text(LABEL_WIDTH + width + 6, y + BAR - 3, bar.shown, css="value"))
        y += BAR + 4
    if legend:
        x = LABEL_WIDTH
        for series, name in legend.items():
            parts.append(f'<rect class="bar {escape(series)}" x="{x}" y="6" width="12"'
                         f' height="12"></rect>')
            parts.append(_text(x + 16, 16, name))
            x += 24 + 8 * len(name)
    height = y + 8
    words = "; ".join(f"{b.label}"
                      + (f" ({legend[b.series]})" if legend else "") + f": {b.shown}"
                      for b in bars)
    return Markup(
        f'<figure class="chart" data-chart="{escape(title)}">'
        f'<svg role="img" aria-labelledby="{chart_id}-t {chart_id}-d" viewBox="0 0 {WIDTH}'
        f' {height}" width="100%" preserveAspectRatio="xMinYMin meet">'
        f'<title id="{chart_id}-t">{escape(title)}</title>'
        f'<desc id="{chart_id}-d">{escape(words)}</desc>' + "".join(parts) + "</svg>"
        f"<figcaption>{escape(title)}</figcaption></figure>")
