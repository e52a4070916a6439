"""One script, one text: copies across 繁体 and 简体 are found both ways, shown on the characters as written."""

import importlib

import pytest
from django.apps import apps

from pingyi.dupcheck import actions, engine
from pingyi.dupcheck.engine import MemoryIndex, normalise, prepare
from pingyi.dupcheck.models import RECHECK, CheckResult, CorpusLine, Document, Fingerprint

SIMPLIFIED = (
    "近年来，我镇坚持把发展壮大村级集体经济作为乡村振兴的重要抓手，通过盘活闲置资产、发展特色产业、"
    "推行股份合作等方式，带动农民持续增收，村集体经营性收入全部超过十万元。"
)
TRADITIONAL = (
    "近年來，我鎮堅持把發展壯大村級集體經濟作爲鄉村振興的重要抓手，通過盤活閒置資產、發展特色產業、"
    "推行股份合作等方式，帶動農民持續增收，村集體經營性收入全部超過十萬元。"
)
# 幹/乾 both become 干 in simplified text: only the phrases tell which is meant (乾燥 but 乾隆).
CADRES_SIMPLIFIED = (
    "在干部队伍建设方面，我们严格落实干部选拔任用条例，让干燥的制度条文变成干部干事创业的鲜活导向。"
)
CADRES_TRADITIONAL = (
    "在幹部隊伍建設方面，我們嚴格落實幹部選拔任用條例，讓乾燥的制度條文變成幹部幹事創業的鮮活導向。"
)
OWN_BEFORE = "今年以来，青山镇党委围绕中心工作，"
OWN_AFTER = "下一步，我们将继续巩固提升，确保各项任务落到实处。"


def test_traditional_and_simplified_characters_normalise_alike():
    assert normalise(TRADITIONAL) == normalise(SIMPLIFIED)
    assert normalise(CADRES_TRADITIONAL) == normalise(CADRES_SIMPLIFIED)
    # Taiwan forms as old pages write them, and a name that keeps its 乾.
    assert normalise("為群眾辦實事，村裡") == normalise("为群众办实事，村里")
    assert normalise("乾隆年間") == normalise("乾隆年间")


def test_the_offsets_stay_exact_on_traditional_text():
    text = "前言 " + TRADITIONAL + "\n" + CADRES_TRADITIONAL
    p = prepare(text)
    assert len(p.norm) == len(p.offsets) == p.chars
    assert p.norm == normalise(text)
    for ch, i in zip(p.norm, p.offsets, strict=True):
        assert engine.simplified(normalise(text[i])) == ch or engine._HAN.fullmatch(ch)
    a, b = p.norm.index("干燥"), p.norm.index("干燥") + 2
    assert text[slice(*p.original(a, b))] == "乾燥"


class _Expanding:
    """A converter under which one character becomes two (as a conversion table may have it)."""

    def convert(self, text: str) -> str:
        return text.replace("發", "发发").replace("鎮", "镇")


def test_a_character_whose_conversion_is_two_characters_keeps_one_and_the_offsets_stay_exact(monkeypatch):
    monkeypatch.setattr(engine, "_T2S", _Expanding())
    monkeypatch.setattr(engine, "_HAN_CHAR", {})
    text = "本鎮 發展，鎮裡"
    p = prepare(text)
    # Its neighbours are still converted; 發 itself is left as written rather than shifting the rest.
    assert p.norm == "本镇發展,镇裡"
    assert [text[i] for i in p.offsets] == list("本鎮發展，鎮裡")
    assert p.original(2, 4) == (3, 5)


@pytest.mark.parametrize(
    "corpus_text, report_passage",
    [(TRADITIONAL, SIMPLIFIED), (SIMPLIFIED, TRADITIONAL), (CADRES_TRADITIONAL, CADRES_SIMPLIFIED)],
    ids=["traditional source, simplified copy", "simplified source, traditional copy", "phrases"],
)
def test_a_copy_across_scripts_is_found_whole_and_shown_on_the_original_characters(
    corpus_text, report_passage
):
    index = MemoryIndex()
    source = "舊文摘錄：" + corpus_text + "（完）"
    index.add("web", source, name="某网站范文")
    report_text = OWN_BEFORE + report_passage + OWN_AFTER
    report = index.check(report_text)
    [p] = report.passages
    assert p.cls == "copied"
    assert report_text[p.start : p.end] == report_passage
    assert source[p.source_start : p.source_end] == corpus_text
    # The report's own text is not flagged.
    assert report.class_chars["copied"] == len(report_passage) - report_passage.count(" ")


@pytest.mark.django_db
def test_the_migration_folds_stored_texts_and_fingerprints_and_marks_results_for_recheck():
    source = actions.do_index_document(title="舊網頁", text=TRADITIONAL, kind="template", author="某网站")
    report = actions.do_index_document(
        title="述职报告", text=OWN_BEFORE + SIMPLIFIED, kind="report", author="青山镇"
    )
    result = actions.do_check_document(report)
    # As indexed before the fold: the stored normalised text still in traditional characters.
    old_norm = prepare(TRADITIONAL).norm.replace("来", "來").replace("经济", "經濟")
    Document.objects.filter(pk=source.pk).update(norm=old_norm, norm_hash="old")
    Fingerprint.objects.filter(document=source).delete()
    CorpusLine.objects.all().delete()

    migration = importlib.import_module("pingyi.dupcheck.migrations.0004_simplified_script")
    migration.renormalise(apps, None)

    source.refresh_from_db()
    assert source.norm == prepare(TRADITIONAL).norm == prepare(SIMPLIFIED).norm
    assert source.norm_hash == actions._digest(source.norm)
    assert sorted(Fingerprint.objects.filter(document=source).values_list("hash", "position")) == sorted(
        engine.fingerprints(source.norm)
    )
    assert CorpusLine.objects.filter(document=source).count() == len(engine.line_keys(TRADITIONAL))
    assert CheckResult.objects.get(pk=result.pk).corpus_version == RECHECK
    again = actions.do_check_document(report)
    assert again.metrics["excluding_quotes_ratio"] > 0.8


def test_lines_folded_in_one_conversion_are_folded_as_one_by_one(monkeypatch):
    # split_lines converts all lines of a text at once; each line must come out as on its own.
    text = "\n".join(
        [
            TRADITIONAL,
            "",
            "  乾隆年間 ",
            CADRES_TRADITIONAL,
            "2023年 ＡＢＣ",
            SIMPLIFIED,
            "乾",
            "燥",
            "本鎮 發展，鎮裡",
        ]
    )
    assert [line.norm for line in engine.split_lines(text)] == [normalise(part) for part in text.split("\n")]
    # Also where a conversion would change a line's length (that line is folded character by character).
    monkeypatch.setattr(engine, "_T2S", _Expanding())
    monkeypatch.setattr(engine, "_HAN_CHAR", {})
    lines = engine.split_lines(text)
    assert [line.norm for line in lines] == [normalise(part) for part in text.split("\n")]
    assert lines[-1].norm == "本镇發展,镇裡"  # 發 would become two: kept; 鎮 folded
