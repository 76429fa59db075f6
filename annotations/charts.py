"""Geometry for the dashboard's inline SVG charts: numbers in, shapes out; no drawing."""

from django.utils.html import escape
from django.utils.safestring import mark_safe

from .models import Label


def stacked(counts, width=100.0):
    """Segments of one stacked bar: [{label, count, share, x, width}] in label order."""
    total = sum(counts.values())
    segments, x = [], 0.0
    for label in Label.values:
        count = counts.get(label, 0)
        share = count / total if total else 0
        segments.append(
            {"label": label, "count": count, "share": 100 * share, "x": x, "width": width * share}
        )
        x += width * share
    return segments


def bars(values, labels, width=300.0, height=60.0, gap=0.2):
    """Bars of a column chart: [{x, y, width, height, value, label}] fitting the box."""
    top = max(values, default=0) or 1
    step = width / max(len(values), 1)
    return [
        {
            "x": i * step + step * gap / 2,
            "y": height - height * value / top,
            "width": step * (1 - gap),
            "height": height * value / top,
            "value": value,
            "label": label,
        }
        for i, (value, label) in enumerate(zip(values, labels, strict=True))
    ]


def bar_rects(bars):
    """The <rect>s of `bars` (from `bars`) as one piece of SVG, each titled "label: value"
    (escaped). Written here rather than by a template loop: a year of bars for each
    reviewer is a few thousand rects, which the template engine took longer to write than
    the rest of the page."""
    return mark_safe("".join(
        f'<rect x="{b["x"]:.2f}" y="{b["y"]:.2f}" width="{b["width"]:.2f}" '
        f'height="{b["height"]:.2f}"><title>{escape(b["label"])}: {b["value"]}</title></rect>'
        for b in bars
    ))


def heat_map(confusion, cell=40.0, margin=70.0):
    """Cells of a confusion matrix drawn as a heat map: rows the reference, columns the
    prediction, in label order; [{x, y, size, count, shade, reference, predicted}], shade
    0-1 from the largest count, plus the axis labels' positions."""
    labels = Label.values
    top = max((confusion[r][p] for r in labels for p in labels), default=0) or 1
    cells = [
        {
            "x": margin + j * cell,
            "y": margin + i * cell,
            "size": cell,
            "cx": margin + (j + 0.5) * cell,
            "cy": margin + (i + 0.5) * cell,
            "count": confusion[reference][predicted],
            "shade": round(0.08 + 0.92 * confusion[reference][predicted] / top, 3),
            "dark": confusion[reference][predicted] / top > 0.5,
            "reference": reference,
            "predicted": predicted,
        }
        for i, reference in enumerate(labels)
        for j, predicted in enumerate(labels)
    ]
    return {
        "cells": cells,
        "rows": [{"label": c, "y": margin + (i + 0.5) * cell} for i, c in enumerate(labels)],
        "columns": [{"label": c, "x": margin + (j + 0.5) * cell} for j, c in enumerate(labels)],
        # Room on the right for the last column's slanted label.
        "width": margin + cell * len(labels) + 30,
        "height": margin + cell * len(labels),
        "row_label_x": margin - 4,
        "column_label_y": margin - 6,
    }
