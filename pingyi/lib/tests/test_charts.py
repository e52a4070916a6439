"""Charts are checked as images: valid PNGs, stable bytes, and real Chinese glyphs when a font exists."""

import io
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFont

from pingyi.lib import charts

SCREENSHOTS = Path(__file__).resolve().parents[3] / "screenshots"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
AGES = ["30岁以下", "31-35岁", "36-40岁", "41-45岁", "46-50岁", "51岁以上"]
COUNTS = [12, 45, 78.25, 102, 66, 23]
LONG = ["中共某某市某某区某某街道工作委员会", "某某经济技术开发区管理委员会", "某某镇人民政府", "某某乡"]


def open_png(data: bytes) -> Image.Image:
    assert data[:8] == PNG_MAGIC
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    assert 1200 <= image.width <= 2400 and 600 <= image.height <= 1400
    return image


def every_chart(labels, values):
    half = [v / 2 for v in values]
    yield charts.bar_chart("标题", labels, values)
    yield charts.bar_chart("标题", labels, values, unit="%", horizontal=True)
    yield charts.grouped_bar_chart("标题", labels, {"男": values, "女": half}, unit="人")
    yield charts.pie_chart("标题", labels, values)


@pytest.fixture
def cjk_font() -> str:
    path = charts.find_cjk_font()
    if path is None:
        pytest.fail(
            "no CJK font on this machine: run scripts/ensure-system.sh (fonts-noto-cjk, fonts-wqy-zenhei)"
        )
    return path


@pytest.mark.parametrize(
    ("labels", "values"),
    [(AGES, COUNTS), ([], []), (["甲", "乙"], [0, 0]), (LONG, [3.14159, 2.5, 0.05, 1]), (["甲"], [7])],
    ids=["ages", "empty", "zeros", "long-labels", "single"],
)
def test_every_chart_returns_a_png(labels, values):
    for data in every_chart(labels, values):
        open_png(data)


def test_odd_input_does_not_raise():
    open_png(charts.bar_chart("长度不一", ["甲", "乙", "丙"], [1, None, float("nan"), 4]))
    open_png(charts.grouped_bar_chart("缺数", ["甲", "乙", "丙"], {"一": [1], "二": [1, 2, 3, 4]}))
    open_png(charts.grouped_bar_chart("无系列", ["甲"], {}))
    open_png(charts.pie_chart("多块", [f"地区{i}" for i in range(20)], list(range(1, 21))))
    open_png(charts.bar_chart("很多柱子" * 20, [f"第{i}个单位" * 3 for i in range(40)], list(range(40))))


def test_same_input_same_bytes_and_different_input_different_bytes():
    for first, again, other in zip(
        every_chart(AGES, COUNTS),
        every_chart(AGES, COUNTS),
        every_chart(AGES, [*COUNTS[:-1], 24]),
        strict=True,
    ):
        assert first == again
        assert first != other


def test_values_show_at_most_one_decimal():
    assert charts.format_value(78.25) == "78.3"
    assert charts.format_value(3.0) == "3"
    assert charts.format_value(2.04) == "2"
    assert charts.format_value(0.30000000000000004) == "0.3"


def test_title_is_rendered(cjk_font):
    for data in every_chart(AGES, COUNTS):
        band = open_png(data).convert("L").crop((0, 0, 1600, 100))
        assert band.getextrema()[0] < 80, "no dark pixels where the title should be"
    empty = open_png(charts.bar_chart("", [], [])).convert("L").crop((0, 0, 1600, 100))
    assert empty.getextrema()[0] > 200  # so the check above does see the title, not something else


def test_found_font_draws_chinese_rather_than_boxes(cjk_font):
    font = ImageFont.truetype(cjk_font, 64, index=charts._face_index(cjk_font))

    def glyph(char: str) -> Image.Image:
        image = Image.new("L", (96, 96))
        ImageDraw.Draw(image).text((8, 8), char, font=font, fill=255)
        return image

    zhong, guo = glyph("中"), glyph("国")
    assert zhong.getbbox() is not None
    assert ImageChops.difference(zhong, guo).getbbox() is not None


def test_without_a_cjk_font_charts_still_render(monkeypatch):
    monkeypatch.setenv("PINGYI_CJK_FONT", "/nonexistent/font-for-test.ttc")
    monkeypatch.setattr(charts, "CJK_FONTS", ())
    monkeypatch.setattr(charts.shutil, "which", lambda name: None)
    charts._find_cjk_font.cache_clear()
    try:
        assert charts.find_cjk_font() is None
        for data in every_chart(AGES, COUNTS):
            open_png(data)
    finally:
        charts._find_cjk_font.cache_clear()


def test_configured_font_comes_first(monkeypatch, cjk_font):
    monkeypatch.setenv("PINGYI_CJK_FONT", cjk_font)
    assert charts.find_cjk_font() == cjk_font


def test_sample_for_review():
    SCREENSHOTS.mkdir(exist_ok=True)
    series = {
        "研究生": [12, 8, 3, 2],
        "大学本科": [88, 76, 54, 40],
        "大专": [20, 25, 31, 28],
        "中专及以下": [2, 4, 6, 9],
    }
    data = charts.grouped_bar_chart("各区县干部学历结构", ["甲区", "乙区", "丙县", "丁县"], series, unit="人")
    open_png(data)
    (SCREENSHOTS / "chart-sample.png").write_bytes(data)
