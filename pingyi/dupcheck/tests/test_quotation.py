"""A quotation is a quotation however short; a few quoted words inside copied text stay copied."""

from pingyi.dupcheck.engine import MemoryIndex, quoted_areas

SAYING = "上面千条线，下面一根针"  # 11 characters inside the marks
SOURCE = "基层工作千头万绪，正如群众所说：“上面千条线，下面一根针”。乡镇干部要把各项政策落到实处。"


def index() -> MemoryIndex:
    idx = MemoryIndex()
    idx.add("speech", SOURCE, name="某领导讲话")
    return idx


def test_a_short_quotation_standing_alone_is_a_quotation():
    text = (
        "我镇网格员人少事多，深感：“上面千条线，下面一根针”。今年我们新招聘网格员二十名，配齐配强基层力量。"
    )
    report = index().check(text)
    [p] = report.passages
    assert p.cls == "quotation"
    assert SAYING in text[p.start : p.end]
    assert report.excluding_quotes_ratio == 0.0 and report.total_copy_ratio > 0


def test_a_quotation_in_other_marks_and_with_spaces_is_a_quotation():
    text = "有人说 「上面千条线，下面一根针」 。我镇网格员人少事多，今年新招聘网格员二十名。"
    [p] = index().check(text).passages
    assert p.cls == "quotation"


def test_a_run_going_on_past_the_quotation_is_copied():
    source = "正如群众所说：“上面千条线，下面一根针”的基层工作局面必须改变，乡镇干部要担起责任。"
    idx = MemoryIndex()
    idx.add("speech", source, name="某领导讲话")
    text = "我镇深感：“上面千条线，下面一根针”的基层工作局面必须改变，今年新招聘网格员二十名。"
    [p] = idx.check(text).passages
    assert p.cls == "copied"
    assert text[p.start : p.end].endswith("必须改变，")


def test_the_quoted_area_takes_the_punctuation_next_to_the_marks_and_no_more():
    text = "深感：“上面千条线，下面一根针”。今年"
    [(a, b)] = quoted_areas(text)
    assert text[a:b] == "：“上面千条线，下面一根针”。"
