"""Reworded (伪原创) copies are found whole, marked 改写 and counted; set phrases are not joined."""

import random

import pytest
from django.urls import reverse

from pingyi.dupcheck import actions, engine, samples
from pingyi.dupcheck.engine import MemoryIndex
from pingyi.testing import make_city, make_personas

SOURCE = (
    "近年来，我镇坚持把发展壮大村级集体经济作为乡村振兴的重要抓手，通过盘活闲置资产、发展特色产业、"
    "推行股份合作等方式，带动农民持续增收，全镇村集体经营性收入全部超过十万元，群众的获得感明显增强。"
)
# About one word in ten replaced, as a synonym tool does (发展→开展, 推行→推广, 带动→拉动 …).
# A run ends in a piece of at least 8 agreeing characters (engine.REWORD_END; 6 for a long run):
# a word replaced among the last few characters is left out of the passage.
SPUN = (
    "近年来，我镇坚持把开展壮大村级集体经济作为乡村振兴的关键抓手，通过盘活闲置资产、发展特色产业、"
    "推广股份合作等方式，拉动农民不断增收，全镇村集体经营性收入全部超过十万元，群众的获得感明显增强。"
)
OWN_BEFORE = "今年以来，青山镇党委围绕中心工作抓落实。"
OWN_AFTER = "下一步，我们将继续巩固提升，确保各项任务落到实处。"


def test_a_reworded_passage_is_one_copied_passage_of_its_full_length_marked_reworded():
    index = MemoryIndex()
    index.add("essay", "范文摘录：" + SOURCE + "（完）", name="某网站范文")
    text = OWN_BEFORE + SPUN + OWN_AFTER
    report = index.check(text)
    [p] = [p for p in report.passages if p.cls == "copied"]
    assert p.reworded and p.source == "某网站范文"
    assert text[p.start : p.end] == SPUN
    assert ("范文摘录：" + SOURCE + "（完）")[p.source_start : p.source_end] == SOURCE
    assert report.reworded_chars == p.chars == len(SPUN)
    assert report.excluding_quotes_ratio == engine.ratio(len(SPUN), len(text))
    assert report.contract()["passages"][0]["reworded"] is True


def test_a_word_replaced_among_the_last_characters_is_left_out():
    index = MemoryIndex()
    index.add("essay", SOURCE, name="某网站范文")
    text = OWN_BEFORE + SPUN.replace("明显增强", "显著增强") + OWN_AFTER
    [p] = [p for p in index.check(text).passages if p.cls == "copied"]
    assert text[p.start : p.end] == SPUN[: SPUN.index("明显增强")]


def test_an_exact_copy_is_not_marked_reworded():
    index = MemoryIndex()
    index.add("essay", SOURCE, name="某网站范文")
    [p] = index.check(OWN_BEFORE + SOURCE).passages
    assert not p.reworded and index.check(OWN_BEFORE + SOURCE).reworded_chars == 0


def test_a_synonym_of_another_length_does_not_break_the_passage():
    longer = SPUN.replace("盘活闲置资产", "盘活各类闲置资产")
    index = MemoryIndex()
    index.add("essay", SOURCE, name="某网站范文")
    text = OWN_BEFORE + longer + OWN_AFTER
    [p] = [p for p in index.check(text).passages if p.cls == "copied"]
    assert p.reworded and text[p.start : p.end] == longer


def test_a_differing_figure_is_never_a_replaced_word():
    source = "全镇完成固定资产投资48627万元，同比增长12.5%，新签约亿元以上项目4个，招商引资成效明显。"
    text = "全镇完成固定资产投资39911万元，同比增长12.5%，新签约亿元以上项目4个，招商引资成效明显。"
    index = MemoryIndex()
    index.add("other", source)
    passages = index.check(text).passages
    assert not any(p.reworded for p in passages)
    assert all("39911" not in text[p.start : p.end] for p in passages)


def test_unrelated_reports_sharing_set_phrases_are_not_joined_into_passages():
    rng = random.Random(11)
    index = MemoryIndex()
    for i in range(300):
        index.add(
            i, samples.report(rng, samples.unit_name(i), 2024), author=samples.unit_name(i), corpus=False
        )
    flagged = chars = 0
    for i in range(20):
        text = samples.report(rng, samples.unit_name(1000 + i), 2025)
        report = index.check(text, author=samples.unit_name(1000 + i))
        chars += report.chars
        flagged += sum(p.chars for p in report.passages if p.cls in engine.COUNTED_IN_TOTAL and p.reworded)
    assert flagged / chars < 0.005


def test_generated_spun_copies_are_found_at_a_tenth_replaced():
    rng = random.Random(5)
    sources = [samples.report(rng, samples.unit_name(i), 2024) for i in range(20)]
    index = MemoryIndex()
    for i, text in enumerate(sources):
        index.add(i, text, author=samples.unit_name(i), corpus=False)
    planted = found = 0
    for i in range(10):
        source = sources[i]
        piece = samples.spin(rng, source[300:500], 0.10)
        assert piece != source[300:500]
        text = OWN_BEFORE + piece + OWN_AFTER
        report = index.check(text, author="青山镇")
        hit = bytearray(len(text))
        for p in report.passages:
            if p.cls == "copied":
                hit[p.start : p.end] = b"\x01" * (p.end - p.start)
        planted += len(piece)
        found += sum(hit[len(OWN_BEFORE) : len(OWN_BEFORE) + len(piece)])
    assert found / planted >= 0.95


@pytest.mark.django_db
def test_the_result_page_marks_a_reworded_passage_and_counts_it(client):
    actions.do_index_texts([("某网站范文", SOURCE, "某网站")], kind="template")
    result = actions.do_check_text(title="被检报告", text=OWN_BEFORE + SPUN + OWN_AFTER)
    [p] = [p for p in result.passages if p["class"] == "copied"]
    assert p["reworded"] and result.metrics["reworded_chars"] == len(SPUN)
    client.force_login(make_personas(make_city()).organizer)
    page = client.get(reverse("dupcheck_result", args=[result.pk])).content.decode()
    assert 'class="dc-copied dc-reworded"' in page and "复制（改写）" in page
    assert f"其中改写 1 处 {len(SPUN)} 字" in page
