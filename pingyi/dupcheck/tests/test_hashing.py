"""The vectorised fingerprints are the ones already stored: same hashes, same positions, bit for bit.

The index holds fingerprints computed by the pure-Python hashing and winnowing that numpy replaced
(engine.kgram_hashes, engine.winnow before 2026-12). A single differing bit would make every stored
report unfindable until a re-fingerprinting migration, so the old code is kept here as the reference
and the new one is compared with it on random texts: figures (which hash below everything else),
years (which do not), astral characters (a k-gram's code units are UTF-32, up to 21 bits each) and
lengths around K and W.
"""

import random
import re
from itertools import accumulate

import numpy as np

from pingyi.dupcheck import engine, samples

# ------------------------------------------------------------------------------------------------
# The reference: the pure-Python hashing and winnowing the stored index was written with
# ------------------------------------------------------------------------------------------------

_MASK64 = (1 << 64) - 1


def reference_figure_marks(norm: str) -> bytearray:
    marks = bytearray(len(norm))
    for f in re.finditer(r"\d+\.\d+|\d{2,}", norm):
        digits = f.group().replace(".", "")
        if len(digits) >= 3 and not re.fullmatch(r"(?:19|20)\d\d", f.group()):
            marks[f.start() : f.end()] = b"\x01" * (f.end() - f.start())
    return marks


def reference_kgram_hashes(norm: str) -> list[int]:
    buf = norm.encode("utf-32-le")
    k, a, half = engine.K, engine._MULTIPLIER, 1 << 63
    in_figures = [0, *accumulate(reference_figure_marks(norm))]
    return [
        (0 if in_figures[i + k] - in_figures[i] >= engine.FIGURE_KGRAM else half)
        + ((int.from_bytes(buf[4 * i : 4 * i + 4 * k], "little") * a >> 192 & _MASK64) >> 1)
        - half
        for i in range(len(norm) - k + 1)
    ]


def reference_winnow(hashes: list[int]) -> list[tuple[int, int]]:
    n, w = len(hashes), engine.W
    if n == 0:
        return []
    if n < w:
        lowest = min(hashes)
        return [(lowest, n - 1 - hashes[::-1].index(lowest))]
    out, best = [], -1
    for end in range(w - 1, n):
        start = end - w + 1
        if best < start:
            window = hashes[start : end + 1]
            lowest = min(window)
            best = end - window[::-1].index(lowest)
            out.append((lowest, best))
        elif hashes[end] <= hashes[best]:
            best = end
            out.append((hashes[end], end))
    return out


# ------------------------------------------------------------------------------------------------

HAN = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过"
FIGURES = ["36954.76", "12.56", "2023", "1999", "20", "7", "100", "3.5", "0.618", "123456789", "2024.5",
           "1.2.3", "12.34.567", "٣٤٥٦", "2099", "1899", "19.5", "००७"]  # fmt: skip
ASTRAL = ["𠀀", "𪚥", "𰻞", "😀", "\U0010ffff", "\U00020000"]
OTHER = [*'abc.,:;()%-"<>', "\u00e9", "\uffff", "\u3400"]


def random_norm(rng: random.Random, n: int) -> str:
    parts = []
    while sum(map(len, parts)) < n:
        roll = rng.random()
        if roll < 0.15:
            parts.append(rng.choice(FIGURES))
        elif roll < 0.25:
            parts.append(rng.choice(ASTRAL))
        elif roll < 0.3:
            parts.append(rng.choice(OTHER))
        else:
            parts.append(rng.choice(HAN))
    return "".join(parts)[:n]


def test_kgram_hashes_and_fingerprints_equal_the_stored_scheme_on_random_texts():
    rng = random.Random(20)
    lengths = [0, 1, engine.K - 1, engine.K, engine.K + 1, engine.W, engine.GUARANTEE, 40, 400, 3000]
    figure_kgrams = 0
    for n in lengths * 60:
        norm = random_norm(rng, n)
        expected = reference_kgram_hashes(norm)
        hashes = engine.kgram_hashes(norm)
        assert hashes == expected, norm
        assert engine.fingerprints(norm) == reference_winnow(expected), norm
        figure_kgrams += sum(h < 0 for h in hashes)
    # The texts did hold k-grams made mostly of a figure (only those hash below zero).
    assert figure_kgrams > 100


def test_the_fingerprints_of_generated_reports_equal_the_stored_scheme():
    rng = random.Random(21)
    for i in range(20):
        text = samples.report(rng, samples.unit_name(i), 2021 + i % 4)
        norm = engine.prepare(text).norm
        hashes, positions = engine.fingerprint_arrays(norm)
        assert hashes.dtype == positions.dtype == np.int64
        assert list(zip(hashes.tolist(), positions.tolist(), strict=True)) == reference_winnow(
            reference_kgram_hashes(norm)
        )


def test_winnowing_keeps_the_rightmost_minimum_of_every_window_as_before():
    rng = random.Random(22)
    for n in [1, 2, engine.W - 1, engine.W, engine.W + 1, 50, 500] * 40:
        # Few distinct values: ties are the rule, and which of equal minima is kept matters.
        hashes = [rng.choice([-(2**63), -5, 0, 7, 2**63 - 1]) for _ in range(n)]
        assert engine.winnow(hashes) == reference_winnow(hashes)


def test_a_known_text_keeps_its_known_fingerprints():
    # Pinned values, so that reference and engine cannot drift apart together.
    norm = engine.normalise("乡镇党政正职肩负着谋发展、促改革、保民生，完成投资36954.76万元")
    assert engine.fingerprints(norm) == [
        (390270495533238226, 5),
        (1013961590287019011, 8),
        (143763198465032291, 15),
        (126392452010883708, 22),
        (-700061981397037976, 24),  # 36954.76: figures first
        (-6113151856842545748, 26),
    ]
