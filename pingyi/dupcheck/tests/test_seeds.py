"""The seed pair: a speech (001) and the same speech scraped from a template site (000).

000 stops part way through the speech and carries the site's sidebar (您可能感兴趣的文稿, 阅读排行,
推荐文稿). Counted in characters other than white space (the contract's `chars`), the part of 001
that 000 reproduces is 1,426 of 3,615 characters, 1,440 (39.83%) with a later sentence 000 also
has: the "about 45%" once estimated for the pair was an estimate, and 40% is just out of reach.
"""

from pathlib import Path

import pytest

from pingyi.dupcheck import actions, engine

# The seed pair: copies of the two source texts of the speech, kept with the tests.
SEEDS = Path(__file__).resolve().parent / "seeds"
SCRAPED = (SEEDS / "000_b14fbf4da3cb1feb.txt").read_text(encoding="utf-8")
SPEECH = (SEEDS / "001_f026a8722d11b28f.txt").read_text(encoding="utf-8")
SIDEBAR_START = SCRAPED.index("您可能感兴趣的文稿")
# Where 000 is cut off in 001: its last words are "向高附加值、高技术含量的".
CUT = SPEECH.index("高技术含量的") + len("高技术含量的")


def check_in_memory(text: str, against: str, name: str) -> engine.Report:
    index = engine.MemoryIndex()
    index.add(name, against)
    return index.check(text)


def test_the_scraped_copy_is_nearly_all_copied_and_its_sidebar_is_boilerplate():
    report = check_in_memory(SCRAPED, SPEECH, "001")
    # Everything after the speech is the site's sidebar: boilerplate, not counted.
    assert report.boilerplate == sorted(report.boilerplate)
    assert report.boilerplate[0][0] == SIDEBAR_START
    assert report.boilerplate[-1][1] == len(SCRAPED)
    assert report.boilerplate_chars == sum(1 for ch in SCRAPED[SIDEBAR_START:] if not ch.isspace())
    assert report.chars == sum(1 for ch in SCRAPED[:SIDEBAR_START] if not ch.isspace())
    # At least 95% of the speech text is found in 001 ...
    assert report.total_copy_ratio >= 0.95
    assert report.max_single_source == {"source": "001", "key": "001", "ratio": report.total_copy_ratio}
    # ... in the same words, whatever the bracket widths.
    for p in report.passages:
        assert p.end <= SIDEBAR_START
        assert engine.normalise(SCRAPED[p.start : p.end]) == engine.normalise(
            SPEECH[p.source_start : p.source_end]
        )


def test_the_speech_checked_against_the_scraped_copy_shows_its_first_part_copied():
    report = check_in_memory(SPEECH, SCRAPED, "000")
    assert 0.39 <= report.total_copy_ratio <= 0.50
    before_cut = sum(1 for ch in SPEECH[:CUT] if not ch.isspace()) - len("***")
    assert (report.chars, before_cut) == (3615, 1426)
    assert report.total_copy_ratio == engine.ratio(before_cut + 14, 3615) == 0.3983
    # Everything up to the cut is found except the masked "***" that 000 lost.
    flagged = set()
    for p in report.passages:
        if p.cls != "common":
            flagged.update(range(p.start, p.end))
    missing = [i for i in range(CUT) if i not in flagged and not SPEECH[i].isspace()]
    assert "".join(SPEECH[i] for i in missing) == "***"
    later = SPEECH.index("全市各乡镇（街道）党政正职要", CUT)
    assert [(p.start, p.end) for p in report.passages if p.start >= CUT] == [(later, later + 14)]


@pytest.mark.django_db
def test_the_seed_pair_through_the_database():
    actions.do_index_texts([("001_f026a8722d11b28f", SPEECH, "某范文网")], kind="template")
    report = actions.do_index_document(title="某镇述职报告", text=SCRAPED, kind="report", author="青山镇")
    result = actions.do_check_document(report)
    assert result.metrics["total_copy_ratio"] >= 0.95
    assert result.metrics["boilerplate_chars"] == sum(1 for ch in SCRAPED[SIDEBAR_START:] if not ch.isspace())
    assert result.metrics["max_single_source"]["source"] == "001_f026a8722d11b28f"
    assert {p["source"] for p in result.passages} == {"001_f026a8722d11b28f"}

    speech = actions.do_check_text(title="讲话全文", text=SPEECH)
    # The speech is in the corpus itself and 000 is stored as a report: both are found.
    assert speech.metrics["total_copy_ratio"] == 1.0
