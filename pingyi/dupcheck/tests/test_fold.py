"""The fold of a whole text by numpy lookup tables (engine._folded) is the per-character fold."""

import random
from itertools import compress

from pingyi.dupcheck import engine
from pingyi.dupcheck.samples import report, unit_name

ALPHABET = (
    "abcXYZ 　\t\r\n\u200b\ufeff\x00\x07，。、“”‘’（）【】—…０１２３４５６７８９①㈠㎡ﬁİ"
    "乾燥乾隆發展經濟臺灣🀄𠀀您可能感兴趣的文稿2024-01-02标题"
)


def _reference(text: str, frequent=()):
    """prepare() and split_lines() as str.translate over the learnt dictionaries computes them."""
    engine._learn(text)
    lines = [engine.simplified(part.translate(engine._TABLE)) for part in text.split("\n")]
    ranges = engine.find_boilerplate(engine.split_lines(text), frequent)
    counted = bytearray(text.translate(engine._MASK), "latin-1")
    for a, b in ranges:
        counted[a:b] = bytes(b - a)
    norm = engine.simplified("".join(compress(text, counted)).translate(engine._TABLE))
    return lines, norm, counted, list(compress(range(len(text)), counted))


def test_the_array_fold_gives_the_texts_lines_and_offsets_of_the_character_fold():
    rng = random.Random(5)
    texts = [report(rng, unit_name(i), 2024) for i in range(5)]
    texts += ["".join(rng.choice(ALPHABET) for _ in range(rng.randrange(0, 300))) for _ in range(300)]
    texts += ["", "\n\n", "上一篇：某某\n下一篇：某某\n" * 3 + "正文" * 30]
    for text in texts:
        lines, norm, counted, offsets = _reference(text)
        assert [line.norm for line in engine.split_lines(text)] == lines
        prepared = engine.prepare(text)
        assert (prepared.norm, prepared.counted, prepared.offsets) == (norm, counted, offsets)
