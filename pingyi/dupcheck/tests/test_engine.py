"""The engine on its own: no database, no Django."""

import gc
import random
import subprocess
import sys

import pytest

from pingyi.dupcheck import engine
from pingyi.dupcheck.engine import MemoryIndex, fingerprints, normalise, prepare

# A stock of common characters to build random Chinese text from.
HANZI = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严"


def random_text(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(HANZI) for _ in range(n))


# ---------------------------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------------------------


def test_full_and_half_width_forms_and_punctuation_variants_normalise_alike():
    assert normalise("乡镇（街道）：２０２２年，ＡＢＣ") == normalise("乡镇(街道):2022年,abc")
    assert normalise("“一线指挥部”") == normalise('"一线指挥部"') == normalise("「一线指挥部」")
    assert normalise("谋发展、促改革") == normalise("谋发展,促改革")
    assert normalise("《条例》【一】") == normalise("<条例>(一)")


def test_white_space_and_zero_width_characters_are_dropped():
    text = "全市\u200b乡镇\u200c（街道）\u200d党政\ufeff正职\u2060 述职\n评议\u3000会"
    assert normalise(text) == "全市乡镇(街道)党政正职述职评议会"


def test_every_normalised_character_maps_back_to_its_original_index():
    text = "甲 乙\u200b（丙）\n…ＡＢ㈠"
    p = prepare(text)
    assert len(p.norm) == len(p.offsets)
    for ch, i in zip(p.norm, p.offsets, strict=True):
        assert normalise(text[i]) == ch
    # White space and invisible characters are not counted.
    assert p.chars == len([c for c in text if c not in " \u200b\n"])


# ---------------------------------------------------------------------------------------------
# Boilerplate
# ---------------------------------------------------------------------------------------------

SIDEBAR = """您可能感兴趣的文稿
- 11-12在某小学2024年秋季开学典礼上的讲话：做自己喜欢冠军
- 11-12街道庆国庆艺术节开幕式致辞
- 11-12教师节庆祝大会主持词
阅读排行
推荐文稿
- 02-03党课讲稿：党的十八大以来我国农业发展的历史性成就回顾与总结
- 01-14书记在市委纪委全会上的讲话"""


def test_a_site_sidebar_is_boilerplate_and_not_counted():
    body = (
        "乡镇党政正职肩负着谋发展、促改革、保民生、护稳定、带队伍的重任，是我们党在基层的领头人和骨干力量。"
    )
    p = prepare(body + "\n" + SIDEBAR)
    assert p.chars == len(body)
    assert p.boilerplate_chars == len(normalise(SIDEBAR))
    assert all(a > len(body) for a, _ in p.boilerplate)


def test_footer_lines_and_dated_link_lists_are_boilerplate():
    text = (
        "一、聚焦第一要务，当好发展的领头雁，加快发展、推动高质量发展是乡镇工作的重中之重。\n"
        "上一篇：在全市安全生产工作会议上的讲话\n"
        "下一篇：在全县招商引资推进会上的讲话\n"
        "市委组织部召开部务会 2022-06-15\n"
        "全市干部教育培训工作会议召开 2022-06-14\n"
        "2022-06-13 组织工作调研座谈会\n"
        "版权所有：某某范文网 责任编辑：张三"
    )
    p = prepare(text)
    assert p.chars == len(normalise(text.split("\n")[0]))


def test_a_lone_date_under_a_report_is_kept():
    text = "全镇上下团结一心，各项工作取得了新的进展，群众获得感不断增强。\n青山镇党委\n2022-06-15"
    p = prepare(text)
    assert p.boilerplate == []


def test_lines_repeated_across_many_corpus_documents_are_boilerplate():
    line = "本站声明：文稿仅供学习参考"
    index = MemoryIndex()
    for i in range(engine.FREQUENT_LINE_DOCS):
        index.add(i, f"第{i}篇讲话稿正文，内容各不相同，编号{i * 7919}。\n{line}")
    text = "新的讲话稿正文。\n" + line
    report = index.check(text)
    assert report.boilerplate_chars == len(normalise(line))


# ---------------------------------------------------------------------------------------------
# Fingerprints
# ---------------------------------------------------------------------------------------------


def test_hashes_are_stable_64_bit_signed_integers():
    # The same value in every process and on every machine (Python's own hash() is salted).
    code = "from pingyi.dupcheck.engine import stable_hash; print(stable_hash('乡镇党政正职'))"
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert int(other.stdout) == engine.stable_hash("乡镇党政正职")
    for h, _ in fingerprints(normalise("乡镇党政正职肩负着谋发展、促改革、保民生、护稳定、带队伍的重任")):
        assert -(2**63) <= h < 2**63


def test_any_shared_run_of_the_guaranteed_length_shares_a_fingerprint():
    assert engine.GUARANTEE == engine.W + engine.K - 1 <= engine.MIN_PASSAGE == 13
    rng = random.Random(13)
    for _ in range(300):
        a, b = random_text(rng, rng.randint(30, 400)), random_text(rng, rng.randint(30, 400))
        run = random_text(rng, engine.GUARANTEE)
        i, j = rng.randint(0, len(a)), rng.randint(0, len(b))
        a, b = a[:i] + run + a[i:], b[:j] + run + b[j:]
        assert {h for h, _ in fingerprints(a)} & {h for h, _ in fingerprints(b)}


def test_fingerprint_positions_are_those_of_their_k_grams():
    norm = random_text(random.Random(1), 200)
    hashes = engine.kgram_hashes(norm)
    for h, pos in fingerprints(norm):
        assert hashes[pos] == h


def test_winnowing_keeps_a_k_gram_made_mostly_of_a_figure_wherever_a_window_holds_one():
    norm = normalise("始终坚持以人民为中心的发展思想，村级收入达到36954.76万元，同比增长12.56%，确保")
    hashes = engine.kgram_hashes(norm)
    figure = [sum(ch.isdigit() or ch == "." for ch in norm[i : i + engine.K]) for i in range(len(hashes))]
    mostly = [n >= engine.FIGURE_KGRAM for n in figure]
    for start in range(len(hashes) - engine.W + 1):
        window = range(start, start + engine.W)
        lowest = min(window, key=lambda i: hashes[i])
        assert mostly[lowest] == any(mostly[i] for i in window), norm[lowest : lowest + engine.K]
    assert sum(mostly) == 5 + 2  # 到36954 … 54.76万, then 长12.56 and 12.56%


def test_short_copies_are_found_by_their_figures_though_their_wording_is_in_every_report(monkeypatch):
    # The set wording's fingerprints are held by more reports than are fetched; the figures' are not.
    monkeypatch.setattr(engine, "POSTINGS_CAP", 3)
    rng = random.Random(14)
    wording = "始终坚持以人民为中心的发展思想"
    index = MemoryIndex()
    figures = [f"{rng.randint(10000, 99999)}.{rng.randint(10, 99)}" for _ in range(20)]
    for n, figure in enumerate(figures):
        index.add(f"report {n}", random_text(rng, 40) + f"。{wording}，完成投资{figure}万元" + random_text(rng, 40),
                  author=f"unit {n}")  # fmt: skip
    for n, figure in enumerate(figures):
        piece = f"{wording}，完成投资{figure}"
        report = index.check(random_text(rng, 30) + "；" + piece + "；" + random_text(rng, 30), author="me")
        assert [(p.cls, p.source, p.end - p.start) for p in report.passages] == [
            ("copied", f"report {n}", len(piece))
        ]


# ---------------------------------------------------------------------------------------------
# Alignment
# ---------------------------------------------------------------------------------------------


def test_alignment_finds_every_planted_copy_of_13_or_more_characters():
    rng = random.Random(7)
    for _ in range(100):
        source = random_text(rng, 600)
        length = rng.randint(13, 120)
        start = rng.randrange(0, len(source) - length)
        copy = source[start : start + length]
        query = random_text(rng, 200) + copy + random_text(rng, 200)
        index = MemoryIndex()
        index.add("s", source)
        report = index.check(query)
        assert [(p.start, p.end, p.source_start, p.source_end) for p in report.passages] == [
            (200, 200 + length, start, start + length)
        ]


def test_runs_shorter_than_13_characters_are_not_passages():
    rng = random.Random(3)
    source = random_text(rng, 300)
    query = random_text(rng, 100) + source[50:62] + random_text(rng, 100)
    index = MemoryIndex()
    index.add("s", source)
    assert index.check(query).passages == []


def test_paragraphs_copied_in_another_order_are_all_found():
    rng = random.Random(5)
    paragraphs = [random_text(rng, rng.randint(60, 200)) for _ in range(5)]
    source = "\n".join(paragraphs)
    shuffled = [paragraphs[i] for i in (3, 0, 4, 2, 1)]
    query = "\n".join(shuffled)
    index = MemoryIndex()
    index.add("s", source)
    report = index.check(query)
    assert report.total_copy_ratio == 1.0
    assert sorted((p.end - p.start) for p in report.passages) == sorted(len(x) for x in paragraphs)
    for p in report.passages:
        assert query[p.start : p.end] == source[p.source_start : p.source_end]


def test_passages_are_reported_in_original_offsets_despite_width_and_spacing():
    source = "乡镇（街道）党政正职肩负着谋发展、促改革、保民生、护稳定、带队伍的重任。"
    query = "前言。乡镇 (街道) 党政正职肩负着谋发展,促改革,保民生,护稳定,带队伍的重任。后记。"
    index = MemoryIndex()
    index.add("s", source)
    [p] = index.check(query).passages
    assert query[p.start : p.end] == "乡镇 (街道) 党政正职肩负着谋发展,促改革,保民生,护稳定,带队伍的重任。"
    assert source[p.source_start : p.source_end] == source


def test_a_figure_cut_in_two_is_not_copied_text():
    index = MemoryIndex()
    index.add("s", "全年完成固定资产投资48627万元，各项工作取得新进展")
    # "全年完成固定资产投资4862" agrees for 14 characters, but only by the figure's first digits.
    assert index.check("另一份报告：全年完成固定资产投资4862万元以上").passages == []
    assert len(index.check("另一份报告：全年完成固定资产投资48627万元以上").passages) == 1


# ---------------------------------------------------------------------------------------------
# Classification and measures
# ---------------------------------------------------------------------------------------------


def test_a_long_quotation_is_quotation_and_not_in_the_excluding_quotes_ratio():
    quote = "要牢牢把握发展第一要务，坚持以经济工作为中心，全力解决好经济发展当中面临的新问题"
    index = MemoryIndex()
    index.add("speech", "讲话指出，" + quote + "。")
    text = "我镇认真学习，深刻领会“" + quote + "”的要求，结合实际抓好落实，推动各项工作。"
    report = index.check(text)
    assert [p.cls for p in report.passages] == ["quotation"]
    assert report.total_copy_ratio > 0.5
    assert report.excluding_quotes_ratio == 0.0


def test_short_quoted_words_inside_copied_text_are_part_of_the_copying():
    source = "县委是党执政兴国的“一线指挥部”，乡镇党委政府就是在一线指挥部领导下的前沿指挥所。"
    index = MemoryIndex()
    index.add("s", source)
    report = index.check(source)
    assert {p.cls for p in report.passages} == {"copied"}


def test_text_from_a_policy_document_is_policy():
    rule = "坚持以人民为中心的发展思想，把实现好维护好发展好最广大人民根本利益作为出发点和落脚点"
    index = MemoryIndex()
    index.add("规定", "第二条 " + rule + "。", policy=True)
    report = index.check("我们始终" + rule + "，扎实推进各项工作。")
    assert [p.cls for p in report.passages] == ["policy"]
    assert report.total_copy_ratio > 0 and report.excluding_quotes_ratio == 0.0


def test_a_phrase_used_by_many_authors_is_common_and_not_counted():
    rng = random.Random(11)
    phrase = "深入学习贯彻党的二十大精神"
    index = MemoryIndex()
    for i in range(engine.COMMON_AUTHORS + 1):
        index.add(f"r{i}", random_text(rng, 80) + phrase + random_text(rng, 80), author=f"单位{i}")
    report = index.check(random_text(rng, 50) + phrase + random_text(rng, 50))
    assert [p.cls for p in report.passages] == ["common"]
    assert report.total_copy_ratio == 0.0


def test_the_same_phrase_from_one_author_only_is_copied():
    rng = random.Random(12)
    phrase = "深入学习贯彻党的二十大精神"
    index = MemoryIndex()
    for i in range(engine.COMMON_AUTHORS + 1):
        index.add(f"r{i}", random_text(rng, 80) + phrase + random_text(rng, 80), author="同一单位")
    report = index.check(random_text(rng, 50) + phrase + random_text(rng, 50))
    assert [p.cls for p in report.passages] == ["copied"]


def test_measures_and_their_rounding():
    assert engine.ratio(1, 3) == 0.3333
    assert engine.ratio(2, 3) == 0.6667
    assert engine.ratio(1, 8) == 0.125
    assert engine.ratio(1, 80000) == 0.0  # 0.0000125 rounds down
    assert engine.ratio(5, 100000) == 0.0001  # exactly half rounds up
    assert engine.ratio(0, 0) == 0.0
    rng = random.Random(2)
    a, b = random_text(rng, 300), random_text(rng, 100)
    index = MemoryIndex()
    index.add("A", a, author="甲")
    index.add("B", b, author="乙")
    query = a[:100] + random_text(rng, 100) + b[:50] + random_text(rng, 50)
    report = index.check(query)
    assert report.chars == 300
    assert report.total_copy_ratio == engine.ratio(150, 300)
    assert report.max_single_source["source"] == "A" and report.max_single_source["ratio"] == 0.3333
    assert report.longest_run == 100
    assert report.contract().keys() == {
        "chars", "total_copy_ratio", "excluding_quotes_ratio", "max_single_source", "longest_run",
        "boilerplate_chars", "reworded_chars", "passages",
    }  # fmt: skip


@pytest.mark.parametrize("text", ["", "   \n\t", "短文"])
def test_texts_too_short_to_match_give_empty_reports(text):
    index = MemoryIndex()
    index.add("s", "乡镇党政正职肩负着谋发展促改革保民生护稳定带队伍的重任")
    report = index.check(text)
    assert report.passages == [] and report.total_copy_ratio == 0.0


class _FailingStore(MemoryIndex):
    def counts(self, hashes):
        raise RuntimeError("数据库连接中断")


@pytest.mark.parametrize("store", [MemoryIndex, _FailingStore])
@pytest.mark.parametrize("enabled", [True, False])
def test_a_check_leaves_the_cycle_collector_as_it_found_it(store, enabled):
    # The check pauses the collector (lib.gcpause, in engine.check): a check that returned or failed with
    # it still paused would leave a server process leaking every reference cycle from then on.
    index = store()
    index.add("s", "乡镇党政正职肩负着谋发展促改革保民生护稳定带队伍的重任")
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        try:
            index.check("乡镇党政正职肩负着谋发展促改革保民生护稳定带队伍的重任，必须担当作为。")
        except RuntimeError:
            assert store is _FailingStore
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


# ---------------------------------------------------------------------------------------------
# Attribution: which source a stretch of text is credited to
# ---------------------------------------------------------------------------------------------


def test_wording_found_in_a_policy_text_is_policy_even_where_a_report_has_more_of_it():
    rng = random.Random(11)
    heading, paragraph, before = (random_text(rng, n) for n in (20, 60, 30))
    index = MemoryIndex()
    index.add("policy", random_text(rng, 40) + heading + random_text(rng, 40), policy=True)
    index.add("report", before + heading + paragraph, corpus=False)
    report = index.check(before[-4:] + heading + paragraph + random_text(rng, 30))
    classes = [(p.cls, p.source, p.end - p.start) for p in report.passages]
    # The report's run covers the heading too, but the heading is the policy text's wording; the
    # few characters of the report's run before it are no evidence and are left out.
    assert classes == [("policy", "policy", 20), ("copied", "report", 60)]


def test_a_template_is_credited_before_a_report_that_copied_the_same_paragraph():
    rng = random.Random(12)
    paragraph = random_text(rng, 70)
    index = MemoryIndex()
    index.add("a report", random_text(rng, 50) + "，" + paragraph, corpus=False)
    index.add("template", random_text(rng, 50) + paragraph + random_text(rng, 50))
    report = index.check(random_text(rng, 20) + "。" + paragraph + random_text(rng, 20))
    assert [(p.source, p.end - p.start) for p in report.passages if p.cls == "copied"] == [("template", 70)]


@pytest.mark.parametrize(("figure", "expected"), [("45976", "copied"), ("12", "common")])
def test_set_wording_with_one_agreeing_figure_is_copied_only_when_the_figure_is_precise(figure, expected):
    rng = random.Random(13)
    wording = "全年受理群众信访事项"
    index = MemoryIndex()
    for n in range(8):
        index.add(
            f"other {n}",
            random_text(rng, 40) + f"{wording}{rng.randint(100, 999)}起。" + random_text(rng, 40),
        )
    index.add("source", random_text(rng, 40) + f"{wording}{figure}起。" + random_text(rng, 40))
    report = index.check(random_text(rng, 30) + f"{wording}{figure}起。" + random_text(rng, 30), author="me")
    assert [(p.cls, p.source) for p in report.passages if p.source == "source"] == [(expected, "source")]


def test_a_bigger_index_needs_more_digits_before_one_agreeing_figure_is_not_chance():
    assert [engine.exact_digits(n) for n in (0, 300, 3_000, 20_000)] == [5, 5, 6, 7]
