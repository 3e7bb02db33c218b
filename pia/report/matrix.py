"""The risk matrix as a picture: PNG bytes drawn with Pillow from the context data.

Readable at a glance and in greyscale: every cell carries its level name, every
right is a numbered marker (filled = before safeguards, ringed = after verified
safeguards, joined by an arrow), and a key under the grid names the numbers.
The same facts are in the context's matrix table and alternative text. Pillow's
bundled font is used so the picture is identical on every machine.
"""

from __future__ import annotations

import io
import math
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from ..wording import SCORES, score_word

CELL = 170
LEFT, TOP = 150, 60
KEY_LINE = 34


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _rgb(color: str) -> tuple[int, int, int]:
    color = color.lstrip("#")
    return int(color[0:2], 16), int(color[2:4], 16), int(color[4:6], 16)


def _ink(color: str) -> str:
    r, g, b = _rgb(color)
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#000000" if luminance > 140 else "#ffffff"


def _center(sev: int, lik: int) -> tuple[float, float]:
    x = LEFT + (lik - 1) * CELL + CELL / 2
    y = TOP + (4 - sev) * CELL + CELL / 2
    return x, y


def draw_png(matrix: dict[str, Any], rights: list[dict[str, Any]]) -> bytes:
    """The matrix with each right's position before and after safeguards."""
    placed = [r for r in rights if isinstance(r.get("severity"), int) and isinstance(r.get("likelihood"), int)]
    key_rows = max(1, len(placed))
    width = LEFT + 4 * CELL + 40
    height = TOP + 4 * CELL + 110 + key_rows * KEY_LINE + 20
    img = Image.new("RGB", (width, height), "#ffffff")
    d = ImageDraw.Draw(img)
    small, mid, big = _font(20), _font(24), _font(28)

    d.text((LEFT, 12), "Risk matrix: severity x likelihood", fill="#000000", font=big)
    for row in matrix.get("rows", []):
        sev = row["severity"]
        y0 = TOP + (4 - sev) * CELL
        d.text((20, y0 + CELL / 2 - 24), f"Severity {sev}", fill="#000000", font=small)
        d.text((20, y0 + CELL / 2 + 2), row["word"], fill="#333333", font=small)
        for cell in row["cells"]:
            lik = cell["likelihood"]
            x0 = LEFT + (lik - 1) * CELL
            d.rectangle([x0, y0, x0 + CELL, y0 + CELL], fill=cell["color"], outline="#ffffff", width=3)
            label = cell["label"]
            while d.textlength(label, font=small) > CELL - 16 and len(label) > 3:
                label = label[:-1]
            d.text((x0 + 10, y0 + 8), label, fill=_ink(cell["color"]), font=small)
    words = {k: score_word(k) for k in SCORES}
    for lik in (1, 2, 3, 4):
        x0 = LEFT + (lik - 1) * CELL
        d.text((x0 + 10, TOP + 4 * CELL + 8), f"Likelihood {lik}", fill="#000000", font=small)
        d.text((x0 + 10, TOP + 4 * CELL + 32), words[lik], fill="#333333", font=small)

    # Spread markers that share a cell so none hides another.
    slots: dict[tuple[int, int], int] = {}

    def slot(sev: int, lik: int) -> tuple[float, float]:
        n = slots.get((sev, lik), 0)
        slots[(sev, lik)] = n + 1
        cx, cy = _center(sev, lik)
        dx = (n % 3 - 1) * 46
        dy = 20 + (n // 3) * 46
        return cx + dx, cy + dy - 14

    r_mark = 18
    for i, r in enumerate(placed, 1):
        before = slot(r["severity"], r["likelihood"])
        pos = r.get("residual_position", {})
        after = None
        if isinstance(pos.get("severity"), int) and isinstance(pos.get("likelihood"), int) and (
            pos["severity"], pos["likelihood"]) != (r["severity"], r["likelihood"]):
            after = slot(pos["severity"], pos["likelihood"])
        if after is not None:
            _arrow(d, before, after, r_mark)
            d.ellipse([after[0] - r_mark, after[1] - r_mark, after[0] + r_mark, after[1] + r_mark],
                      fill="#ffffff", outline="#000000", width=4)
            _label(d, after, str(i), "#000000", mid)
        d.ellipse([before[0] - r_mark, before[1] - r_mark, before[0] + r_mark, before[1] + r_mark],
                  fill="#000000", outline="#ffffff", width=2)
        _label(d, before, str(i), "#ffffff", mid)

    y = TOP + 4 * CELL + 70
    d.text((20, y), "Key: filled circle = before safeguards; ringed circle = after verified safeguards",
           fill="#000000", font=small)
    y += KEY_LINE
    if not placed:
        d.text((20, y), "No right has a rating to place.", fill="#000000", font=small)
    for i, r in enumerate(placed, 1):
        line = f"{i}  {r['name']}: {r['inherent']['label']} before, {r['residual']['label']} after"
        while d.textlength(line, font=small) > width - 40 and len(line) > 10:
            line = line[:-2]
        d.text((20, y), line, fill="#000000", font=small)
        y += KEY_LINE
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=False, compress_level=1)  # 5x faster; a few KB larger
    return buf.getvalue()


def _label(d: ImageDraw.ImageDraw, at: tuple[float, float], s: str, fill: str, font: Any) -> None:
    d.text(at, s, fill=fill, font=font, anchor="mm")


def _arrow(d: ImageDraw.ImageDraw, a: tuple[float, float], b: tuple[float, float], r: int) -> None:
    ang = math.atan2(b[1] - a[1], b[0] - a[0])
    start = (a[0] + r * math.cos(ang), a[1] + r * math.sin(ang))
    end = (b[0] - r * math.cos(ang), b[1] - r * math.sin(ang))
    d.line([start, end], fill="#000000", width=4)
    head = 14
    left = (end[0] - head * math.cos(ang - 0.5), end[1] - head * math.sin(ang - 0.5))
    right = (end[0] - head * math.cos(ang + 0.5), end[1] - head * math.sin(ang + 0.5))
    d.polygon([end, left, right], fill="#000000")


# --- the council brief's matrix: small, beside its key ------------------------------------

C_CELL = 170
C_LEFT, C_TOP, C_BOTTOM = 200, 50, 110


def draw_compact_png(matrix: dict[str, Any], rights: list[dict[str, Any]]) -> bytes:
    """The brief's matrix: grid and markers only, lettering sized for a 7 cm print.

    The key is not in the picture: the markers carry the numbers of the brief's
    per-right table, and the text beside the picture explains the symbols, so
    the picture stays legible at a third of a page's width.
    """
    width = C_LEFT + 4 * C_CELL + 16
    height = C_TOP + 4 * C_CELL + C_BOTTOM
    img = Image.new("RGB", (width, height), "#ffffff")
    d = ImageDraw.Draw(img)
    label_font, axis_font, title_font = _font(30), _font(28), _font(32)

    d.text((12, 8), "Severity", fill="#000000", font=title_font)
    for row in matrix.get("rows", []):
        sev = row["severity"]
        y0 = C_TOP + (4 - sev) * C_CELL
        d.text((C_LEFT - 14, y0 + C_CELL / 2 - 18), str(sev), fill="#000000", font=title_font, anchor="rm")
        d.text((C_LEFT - 14, y0 + C_CELL / 2 + 18), row["word"], fill="#333333", font=axis_font, anchor="rm")
        for cell in row["cells"]:
            x0 = C_LEFT + (cell["likelihood"] - 1) * C_CELL
            d.rectangle([x0, y0, x0 + C_CELL, y0 + C_CELL], fill=cell["color"], outline="#ffffff", width=4)
            label = cell["label"]
            while d.textlength(label, font=label_font) > C_CELL - 14 and len(label) > 3:
                label = label[:-1]
            d.text((x0 + 8, y0 + 6), label, fill=_ink(cell["color"]), font=label_font)
    words = {k: score_word(k) for k in SCORES}
    base = C_TOP + 4 * C_CELL
    for lik in (1, 2, 3, 4):
        cx = C_LEFT + (lik - 1) * C_CELL + C_CELL / 2
        d.text((cx, base + 22), str(lik), fill="#000000", font=title_font, anchor="mm")
        d.text((cx, base + 54), words[lik], fill="#333333", font=axis_font, anchor="mm")
    d.text((C_LEFT + 2 * C_CELL, base + 92), "Likelihood", fill="#000000", font=title_font, anchor="mm")

    # Markers: (cell, number, after?) gathered first so a crowded cell can share out its room.
    marks: dict[tuple[int, int], list[tuple[int, bool]]] = {}
    links: list[tuple[int, tuple[int, int], tuple[int, int]]] = []
    for i, r in enumerate(rights, 1):
        if not (isinstance(r.get("severity"), int) and isinstance(r.get("likelihood"), int)):
            continue
        n = int(r.get("number", i))
        before = (r["severity"], r["likelihood"])
        marks.setdefault(before, []).append((n, False))
        pos = r.get("residual_position", {})
        after = (pos.get("severity"), pos.get("likelihood"))
        if isinstance(after[0], int) and isinstance(after[1], int) and after != before:
            marks.setdefault(after, []).append((n, True))
            links.append((n, before, after))
    where: dict[tuple[int, bool], tuple[float, float, float]] = {}
    for (sev, lik), items in marks.items():
        k = len(items)
        cols = k if k <= 3 else (3 if k <= 6 else 4)
        rows = math.ceil(k / cols)
        x0 = C_LEFT + (lik - 1) * C_CELL + 6
        y0 = C_TOP + (4 - sev) * C_CELL + 44
        sx, sy = (C_CELL - 12) / cols, (C_CELL - 50) / rows
        radius = min(26.0, sx / 2 - 3, sy / 2 - 3)
        for j, (n, after) in enumerate(items):
            where[(n, after)] = (x0 + sx * (j % cols + 0.5), y0 + sy * (j // cols + 0.5), radius)
    for n, _b, _a in links:
        bx, by, br = where[(n, False)]
        ax, ay, ar = where[(n, True)]
        _curved_arrow(d, (bx, by), (ax, ay), br, ar)
    for (n, after), (x, y, rad) in sorted(where.items()):
        font = _font(max(14, int(rad * 1.25)))
        if after:
            d.ellipse([x - rad, y - rad, x + rad, y + rad], fill="#ffffff", outline="#000000", width=4)
            _label(d, (x, y), str(n), "#000000", font)
        else:
            d.ellipse([x - rad, y - rad, x + rad, y + rad], fill="#000000", outline="#ffffff", width=2)
            _label(d, (x, y), str(n), "#ffffff", font)
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=False, compress_level=1)  # 5x faster; a few KB larger
    return buf.getvalue()


def _curved_arrow(d: ImageDraw.ImageDraw, a: tuple[float, float], b: tuple[float, float], ra: float,
                  rb: float) -> None:
    """An arc from a to b bowing up (or left), so moves along one row or column do not overlap."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    dist = math.hypot(dx, dy) or 1.0
    nx, ny = -dy / dist, dx / dist  # a unit normal; pick the one pointing up (or left when vertical)
    if ny > 0 or (ny == 0 and nx > 0):
        nx, ny = -nx, -ny
    bow = 0.3 * dist
    c = ((a[0] + b[0]) / 2 + nx * bow, (a[1] + b[1]) / 2 + ny * bow)

    def at(t: float) -> tuple[float, float]:
        u = 1 - t
        return (u * u * a[0] + 2 * u * t * c[0] + t * t * b[0], u * u * a[1] + 2 * u * t * c[1] + t * t * b[1])

    pts = [at(i / 40) for i in range(41)]
    pts = [p for p in pts if math.dist(p, a) > ra and math.dist(p, b) > rb + 2]
    if len(pts) < 2:
        return
    d.line(pts, fill="#000000", width=4, joint="curve")
    end, prev = pts[-1], pts[-3] if len(pts) > 2 else pts[0]
    ang = math.atan2(end[1] - prev[1], end[0] - prev[0])
    tip = (end[0] + 4 * math.cos(ang), end[1] + 4 * math.sin(ang))
    head = 16
    left = (tip[0] - head * math.cos(ang - 0.45), tip[1] - head * math.sin(ang - 0.45))
    right = (tip[0] - head * math.cos(ang + 0.45), tip[1] - head * math.sin(ang + 0.45))
    d.polygon([tip, left, right], fill="#000000")
