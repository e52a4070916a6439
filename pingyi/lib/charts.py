"""PNG charts drawn on the server, for the Word reports (the web pages draw theirs with ECharts).

Pure Pillow and kept free of Django. Every function returns PNG bytes and never raises for odd
data: empty or all-zero input draws 暂无数据, and without a CJK font the chart still renders
(Chinese then shows as boxes). The same input always gives the same bytes.
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from io import BytesIO

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1600, 900
SUPERSAMPLE = 2  # Pillow draws shapes without antialiasing, so draw large and scale down
DPI = 271  # 1600 px over 15 cm, so Word's default size is already the intended one
PALETTE = ("#9b1c1c", "#c9a227", "#1d4f91", "#5b8c5a", "#8e6c8a", "#d97706")
INK, MUTED, AXIS, GRID = "#262626", "#595959", "#8c8c8c", "#dddddd"
EMPTY = "暂无数据"
OTHERS = "其他"
MAX_SLICES = 10  # beyond this a pie is unreadable; the smallest slices merge into 其他
TITLE_PX, LABEL_PX, VALUE_PX, TICK_PX, MIN_PX = 48, 32, 30, 28, 18
MARGIN = 60

CJK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)


def find_cjk_font() -> str | None:
    """A font file that draws Chinese: $PINGYI_CJK_FONT, then the usual Debian fonts, then fontconfig."""
    return _find_cjk_font(os.environ.get("PINGYI_CJK_FONT") or "")


@lru_cache(maxsize=8)
def _find_cjk_font(configured: str) -> str | None:
    for path in (configured, *CJK_FONTS):
        if path and _draws_chinese(path):
            return path
    fc_match = shutil.which("fc-match")
    if fc_match:
        try:
            found = subprocess.run(
                [fc_match, "-f", "%{file}", ":lang=zh-cn"], capture_output=True, text=True, timeout=10
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            found = ""
        # fontconfig answers with its best match even when nothing on the machine covers Chinese.
        if found and _draws_chinese(found):
            return found
    return None


def _glyph(font: ImageFont.FreeTypeFont | ImageFont.ImageFont, char: str) -> bytes:
    image = Image.new("L", (64, 64))
    ImageDraw.Draw(image).text((0, 0), char, font=font, fill=255)
    return image.tobytes()


def _draws_chinese(path: str) -> bool:
    """Two different characters come out the same only when both fall back to the missing-glyph box."""
    try:
        font = ImageFont.truetype(path, 48, index=_face_index(path))
        return _glyph(font, "中") != _glyph(font, "国")
    except (OSError, ValueError):
        return False


@lru_cache(maxsize=8)
def _face_index(path: str) -> int:
    """The simplified-Chinese face of a font collection; Noto's first face is Japanese."""
    for index in range(16):
        try:
            family = ImageFont.truetype(path, 12, index=index).getname()[0] or ""
        except OSError:
            break
        if family.endswith(" SC"):
            return index
    return 0


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return _load_font(find_cjk_font(), size)


@lru_cache(maxsize=64)
def _load_font(path: str | None, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    if path:
        try:
            return ImageFont.truetype(path, size, index=_face_index(path))
        except OSError:
            pass
    return ImageFont.load_default(size)


def format_value(value: float) -> str:
    """At most one decimal, none for whole numbers, and 78.25 rounds up as people expect, not to even."""
    text = str(Decimal(repr(float(value))).quantize(Decimal("0.1"), ROUND_HALF_UP))
    return text[:-2] if text.endswith(".0") else text


def _clean(values: list[float]) -> list[float]:
    out = []
    for value in values:
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = 0.0
        out.append(number if math.isfinite(number) and number > 0 else 0.0)
    return out


def _color(index: int) -> str:
    """The palette, then lighter tints of it, so that no two series share a colour."""
    base = PALETTE[index % len(PALETTE)]
    tint = min(0.7, 0.4 * (index // len(PALETTE)))
    rgb = [int(base[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c + (255 - c) * tint):02x}" for c in rgb)


def _ticks(top: float) -> list[float]:
    """Four to seven round steps (1, 2 or 5 × 10ⁿ) from zero to at least `top`."""
    if top <= 0:
        return [float(i) for i in range(6)]
    raw = top / 6
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw * 0.999)
    if top >= 4:
        step = max(step, 1)  # counts of people never need fractional gridlines
    return [i * step for i in range(math.ceil(top / step - 1e-9) + 1)]


class _Canvas:
    """Coordinates are in final pixels; drawing happens SUPERSAMPLE times larger."""

    def __init__(self, title: str):
        size = (WIDTH * SUPERSAMPLE, HEIGHT * SUPERSAMPLE)
        self.image = Image.new("RGB", size, "white")
        self.draw = ImageDraw.Draw(self.image)
        lines, px = self.fit(title, TITLE_PX, WIDTH - 2 * MARGIN, 2, 32)
        y = 30
        for line in lines:
            self.text(WIDTH / 2, y, line, px, anchor="mt")
            y += px * 1.3
        self.top = y + 20

    def font(self, px: float):
        return _font(round(px * SUPERSAMPLE))

    def width(self, text: str, px: float) -> float:
        return self.font(px).getlength(text) / SUPERSAMPLE

    def fit(self, text: str, px: float, max_width: float, max_lines: int, min_px: float = MIN_PX):
        """Wraps `text` into at most `max_lines` lines, shrinking the font and finally cutting it with …"""
        while True:
            lines, line = [], ""
            for char in str(text).replace("\n", ""):
                if line and self.width(line + char, px) > max_width:
                    lines.append(line)
                    line = char
                else:
                    line += char
            lines.append(line)
            if len(lines) <= max_lines:
                return lines, px
            if px - 2 < min_px:
                lines = lines[:max_lines]
                while lines[-1] and self.width(lines[-1] + "…", px) > max_width:
                    lines[-1] = lines[-1][:-1]
                lines[-1] += "…"
                return lines, px
            px -= 2

    def text(self, x: float, y: float, text: str, px: float, *, fill: str = INK, anchor: str = "la"):
        s = SUPERSAMPLE
        self.draw.text((x * s, y * s), text, font=self.font(px), fill=fill, anchor=anchor)

    def rect(self, x0: float, y0: float, x1: float, y1: float, fill: str):
        s = SUPERSAMPLE
        self.draw.rectangle((x0 * s, y0 * s, x1 * s, y1 * s), fill=fill)

    def line(self, x0: float, y0: float, x1: float, y1: float, fill: str = GRID, width: float = 1.5):
        s = SUPERSAMPLE
        self.draw.line((x0 * s, y0 * s, x1 * s, y1 * s), fill=fill, width=max(1, round(width * s)))

    def pieslice(self, cx: float, cy: float, r: float, start: float, end: float, fill: str):
        s = SUPERSAMPLE
        box = ((cx - r) * s, (cy - r) * s, (cx + r) * s, (cy + r) * s)
        self.draw.pieslice(box, start, end, fill=fill, outline="white", width=3 * s)

    def legend(self, names: list[str], y: float) -> float:
        """A centred row (or rows) of colour keys; returns the y below it."""
        px, gap, key = LABEL_PX - 4, 36, 24
        entries = [(self.fit(name, px, 360, 1)[0][0], _color(i)) for i, name in enumerate(names)]
        rows, row, used = [], [], 0.0
        for label, color in entries:
            need = key + 10 + self.width(label, px) + gap
            if row and used + need > WIDTH - 2 * MARGIN:
                rows.append((row, used))
                row, used = [], 0.0
            row.append((label, color))
            used += need
        rows.append((row, used))
        for row, used in rows:
            x = (WIDTH - used + gap) / 2
            for label, color in row:
                self.rect(x, y + 4, x + key, y + 4 + key, color)
                self.text(x + key + 10, y + key / 2 + 4, label, px, anchor="lm")
                x += key + 10 + self.width(label, px) + gap
            y += px * 1.5
        return y + 10

    def png(self) -> bytes:
        out = BytesIO()
        image = self.image.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)
        image.save(out, "PNG", dpi=(DPI, DPI))
        return out.getvalue()


def _columns(canvas: _Canvas, labels: list[str], series: list[list[float]], unit: str) -> bytes:
    """Vertical bars, one group per label and one bar per series."""
    if unit:
        canvas.text(MARGIN, canvas.top, f"单位：{unit}", TICK_PX, fill=MUTED)
    top = canvas.top + (TICK_PX * 2.2 if unit else TICK_PX * 0.6)  # the top tick label must clear the unit
    peak = max((v for values in series for v in values), default=0.0)
    ticks = _ticks(peak * 1.12)
    tick_w = max(canvas.width(format_value(t), TICK_PX) for t in ticks)
    left, right = MARGIN + tick_w + 16, WIDTH - MARGIN
    slot = (right - left) / max(len(labels), 1)
    fitted = [canvas.fit(label, LABEL_PX, slot * 0.94, 3) for label in labels]
    label_px = min((px for _, px in fitted), default=LABEL_PX)  # one size for all labels looks calmer
    fitted = [canvas.fit(label, label_px, slot * 0.94, 3, min_px=label_px)[0] for label in labels]
    line_h = label_px * 1.25
    bottom = HEIGHT - 30 - line_h * max((len(lines) for lines in fitted), default=1)
    scale = (bottom - top) / ticks[-1]
    for tick in ticks:
        y = bottom - tick * scale
        canvas.line(left, y, right, y, GRID if tick else AXIS, 1.5 if tick else 2)
        canvas.text(left - 12, y, format_value(tick), TICK_PX, fill=MUTED, anchor="rm")
    if not labels:
        canvas.text((left + right) / 2, (top + bottom) / 2, EMPTY, LABEL_PX + 8, fill=MUTED, anchor="mm")
        return canvas.png()
    group_w = slot * (0.6 if len(series) == 1 else 0.8)
    bar_w = min(group_w / len(series), 150)
    # One size for every value label, and none at all when they would run into each other.
    room = slot * 0.95 if len(series) == 1 else bar_w + 4
    widest = max((format_value(v) for values in series for v in values), key=len, default="0")
    value_px = next((px for px in range(VALUE_PX, MIN_PX - 1, -2) if canvas.width(widest, px) <= room), 0)
    for i, lines in enumerate(fitted):
        centre = left + slot * (i + 0.5)
        x = centre - bar_w * len(series) / 2
        for k, values in enumerate(series):
            y = bottom - values[i] * scale
            canvas.rect(x, y, x + bar_w, bottom, _color(k))
            if value_px:
                canvas.text(x + bar_w / 2, y - 6, format_value(values[i]), value_px, anchor="ms")
            x += bar_w
        for n, line in enumerate(lines):
            canvas.text(centre, bottom + 12 + n * line_h, line, label_px, anchor="ma")
    return canvas.png()


def _rows(canvas: _Canvas, labels: list[str], values: list[float], unit: str) -> bytes:
    """Horizontal bars, top to bottom in the given order."""
    top = canvas.top + 10
    bottom = HEIGHT - 40 - TICK_PX * (2.6 if unit else 1.4)
    row = (bottom - top) / max(len(labels), 1)
    label_max = WIDTH * 0.3
    fitted = [canvas.fit(label, LABEL_PX, label_max, 2 if row > LABEL_PX * 2.6 else 1) for label in labels]
    label_px = min((px for _, px in fitted), default=LABEL_PX)
    max_lines = 2 if row > label_px * 2.6 else 1
    fitted = [canvas.fit(label, label_px, label_max, max_lines, min_px=label_px)[0] for label in labels]
    widest = max((canvas.width(line, label_px) for lines in fitted for line in lines), default=0)
    left, right = MARGIN + max(widest, 60) + 20, WIDTH - MARGIN
    peak = max(values, default=0.0)
    value_w = canvas.width(format_value(peak), VALUE_PX) + 24
    ticks = _ticks(peak * (right - left) / max(right - left - value_w, 1))
    scale = (right - left) / ticks[-1]
    for tick in ticks:
        x = left + tick * scale
        canvas.line(x, top, x, bottom, GRID if tick else AXIS, 1.5 if tick else 2)
        canvas.text(x, bottom + 12, format_value(tick), TICK_PX, fill=MUTED, anchor="ma")
    if unit:
        canvas.text(right, bottom + 12 + TICK_PX * 1.4, f"单位：{unit}", TICK_PX, fill=MUTED, anchor="ra")
    if not labels:
        canvas.text((left + right) / 2, (top + bottom) / 2, EMPTY, LABEL_PX + 8, fill=MUTED, anchor="mm")
        return canvas.png()
    bar_h = min(row * 0.62, 64)
    value_px = max(MIN_PX, min(VALUE_PX, bar_h * 0.9))
    for i, (lines, value) in enumerate(zip(fitted, values, strict=True)):
        centre = top + row * (i + 0.5)
        canvas.rect(left, centre - bar_h / 2, left + value * scale, centre + bar_h / 2, PALETTE[0])
        canvas.text(left + value * scale + 10, centre, format_value(value), value_px, anchor="lm")
        line_h = label_px * 1.2
        for n, line in enumerate(lines):
            y = centre + (n - (len(lines) - 1) / 2) * line_h
            canvas.text(left - 14, y, line, label_px, anchor="rm")
    return canvas.png()


def bar_chart(
    title: str, labels: list[str], values: list[float], *, unit: str = "人", horizontal: bool = False
) -> bytes:
    """One bar per label with its value on it; use `horizontal` for many or long labels."""
    labels = [str(label) for label in labels][: len(values)]
    values = _clean(values)[: len(labels)]
    canvas = _Canvas(title)
    if horizontal:
        return _rows(canvas, labels, values, unit)
    return _columns(canvas, labels, [values], unit)


def grouped_bar_chart(
    title: str, labels: list[str], series: dict[str, list[float]], *, unit: str = ""
) -> bytes:
    """One group per label, one coloured bar per series, with a legend under the title."""
    labels = [str(label) for label in labels]
    columns = [(_clean(values) + [0.0] * len(labels))[: len(labels)] for values in series.values()]
    canvas = _Canvas(title)
    if columns:
        canvas.top = canvas.legend([str(name) for name in series], canvas.top)
    return _columns(canvas, labels if columns else [], columns or [[]], unit)


def pie_chart(title: str, labels: list[str], values: list[float]) -> bytes:
    """Slices clockwise from twelve o'clock, percentages on the larger slices, and a legend with all."""
    canvas = _Canvas(title)
    slices = [(str(label), value) for label, value in zip(labels, _clean(values), strict=False) if value > 0]
    if len(slices) > MAX_SLICES:
        keep = sorted(range(len(slices)), key=lambda i: -slices[i][1])[: MAX_SLICES - 1]
        rest = sum(value for i, (_, value) in enumerate(slices) if i not in keep)
        slices = [slices[i] for i in sorted(keep)] + [(OTHERS, rest)]
    cy = (canvas.top + HEIGHT - 30) / 2
    radius = min((HEIGHT - 30 - canvas.top) / 2, 330)
    if not slices:
        cx, s = WIDTH / 2, SUPERSAMPLE
        box = ((cx - radius) * s, (cy - radius) * s, (cx + radius) * s, (cy + radius) * s)
        canvas.draw.ellipse(box, outline=GRID, width=3 * s)
        canvas.text(cx, cy, EMPTY, LABEL_PX + 8, fill=MUTED, anchor="mm")
        return canvas.png()
    total = sum(value for _, value in slices)
    line_h = min(LABEL_PX * 1.7, (HEIGHT - 30 - canvas.top) / len(slices))
    legend_px = min(LABEL_PX, line_h / 1.5)
    legend = []
    for label, value in slices:
        figures = f"  {format_value(value)}（{value / total * 100:.1f}%）"
        name = canvas.fit(label, legend_px, 520 - canvas.width(figures, legend_px), 1)[0][0]
        legend.append(name + figures)
    legend_w = 34 + max(canvas.width(text, legend_px) for text in legend)
    gap = 90
    cx = max(MARGIN, (WIDTH - 2 * radius - gap - legend_w) / 2) + radius  # centres pie and legend together
    legend_x = cx + radius + gap
    angle = -90.0
    y = cy - line_h * len(slices) / 2
    for i, ((_, value), text) in enumerate(zip(slices, legend, strict=True)):
        share = value / total
        sweep = 360 * share
        canvas.pieslice(cx, cy, radius, angle, angle + sweep, _color(i))
        if share >= 0.06:  # smaller slices have no room; the legend still gives their share
            middle = math.radians(angle + sweep / 2)
            r, g, b = (int(_color(i)[k : k + 2], 16) for k in (1, 3, 5))
            ink = "white" if 0.299 * r + 0.587 * g + 0.114 * b < 150 else INK
            x, y_mid = cx + radius * 0.66 * math.cos(middle), cy + radius * 0.66 * math.sin(middle)
            canvas.text(x, y_mid, f"{share * 100:.1f}%", VALUE_PX, fill=ink, anchor="mm")
        angle += sweep
        canvas.rect(legend_x, y + line_h / 2 - 12, legend_x + 24, y + line_h / 2 + 12, _color(i))
        canvas.text(legend_x + 34, y + line_h / 2, text, legend_px, anchor="lm")
        y += line_h
    return canvas.png()
