"""The duplicate-check engine: normalise, strip page boilerplate, fingerprint, retrieve, align, classify.

Free of Django (standard library, OpenCC for traditional characters, numpy for the fingerprints) so
it runs in the `dupcheck --against` command, in tests and in the bench without a database. Where the fingerprints live is behind the small `Store` protocol:
`MemoryIndex` below keeps them in dictionaries, `pingyi.dupcheck.store.DatabaseStore` in the
database, and `check()` runs the same steps against either.

Offsets: every passage is reported as Python string indices into the text as read (end exclusive);
the matching itself runs on a normalised copy that keeps, for each of its characters, the index of
the original character it came from.
"""

from __future__ import annotations

import bisect
import hashlib
import heapq
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

import numpy as np
import opencc
from numpy.lib.stride_tricks import sliding_window_view

from pingyi.lib import gcpause

# Winnowing: k-grams of K characters, the minimum hash of every W consecutive k-grams is kept.
# Any copied run of W + K - 1 characters holds one complete window, whose minimum both texts keep.
K = 6
W = 8
GUARANTEE = W + K - 1
MIN_PASSAGE = 13
assert GUARANTEE <= MIN_PASSAGE

# Common wording (套话, classed `common`, shown but not counted):
# - a fingerprint is common when documents of at least COMMON_AUTHORS other authors hold it;
# - a run of at most COMMON_MAX_CHARS (a set phrase and a few words around it) is common when its
#   other fingerprints all overlap one spot: the wording is everybody's, and one figure or name that
#   happens to agree is chance. Copying shows as agreement in more than one place, and two agreeing
#   figures (years aside) are never chance;
# - such a run is also common when it is fewer than MIN_PASSAGE characters once its figures are left
#   out ("，贡献率98.82%。"): reports written to one pattern agree like that by chance;
# - a longer run whose fingerprints are all common is a chain of set phrases, unless its source is a
#   corpus text: a template copied by many is still copied from the template.
COMMON_AUTHORS = 5
COMMON_MAX_CHARS = 24
# Postings of a fingerprint held by more documents than this are not fetched (it would cost time
# for nothing: such a fingerprint is common by any measure). Corpus documents are still fetched for
# it up to the same cap, so a template copied by many reports stays findable.
POSTINGS_CAP = 50
# Loading a candidate's normalised text and aligning it costs well under a millisecond, and a short
# copy may share only a fingerprint or two with its source, so be generous.
MAX_CANDIDATES = 200
# Beyond those, up to RARE_CANDIDATES documents that hold a fingerprint at most RARE_DOCS documents
# hold: a copied sentence often shares just that one (a figure's) with its source.
RARE_DOCS, RARE_CANDIDATES = 2, 50
# Within a copied run, a quote of at least this many characters is a quotation; a few quoted words
# (“一线指挥部”) inside copied text are part of the copying. A matched passage that lies wholly within
# a quotation (its marks and the punctuation next to them at most) is a quotation however short
# (“上面千条线，下面一根针”): what it shares with its source is the quote.
MIN_QUOTE = 13

# Page boilerplate: short lines that are site furniture rather than text.
SHORT_LINE = 40
LIST_LINE = 80
FREQUENT_LINE_DOCS = 5
DATED_RUN = 3

COPIED, QUOTATION, POLICY, COMMON = "copied", "quotation", "policy", "common"
# Text found in the report template the organizers hand out (述职报告模板): following it is what a
# report is asked to do, so it is shown (as 模板) and counted in no ratio, like common wording.
TEMPLATE = "template"
CLASSES = (COPIED, QUOTATION, POLICY, TEMPLATE, COMMON)
COUNTED_IN_TOTAL = frozenset({COPIED, QUOTATION, POLICY})
NOT_COUNTED = frozenset({TEMPLATE, COMMON})

_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\ufeff\u2060")
# Applied after NFKC, which already folds full-width ASCII (（），：；！？) to half width.
_PUNCT = str.maketrans(
    {
        **dict.fromkeys("“”„‟«»「」『』〝〞〟‘’‚‛", '"'),
        **dict.fromkeys("、", ","),
        **dict.fromkeys("。", "."),
        **dict.fromkeys("《〈", "<"),
        **dict.fromkeys("》〉", ">"),
        **dict.fromkeys("【〔〖〘〚[{", "("),
        **dict.fromkeys("】〕〗〙〛]}", ")"),
        **dict.fromkeys("—–―‐‑‒−─━", "-"),
        **dict.fromkeys("〜∼", "~"),
        **dict.fromkeys("・•‧∙⋅", "·"),
        **dict.fromkeys("∶", ":"),
        **dict.fromkeys("⋯", "…"),
    }
)
# Every character becomes exactly one character or none, so a normalised position maps back to
# one original index. Tables for str.translate, filled as new characters turn up.
_TABLE: dict[int, str | None] = {}
_MASK: dict[int, str] = {}
_KNOWN: set[str] = set()


def _invisible(ch: str) -> bool:
    return ch.isspace() or ch in _ZERO_WIDTH or unicodedata.category(ch) in ("Cc", "Cf")


def _fold(ch: str) -> str:
    if _invisible(ch):
        return ""
    folded = "".join(
        c for c in unicodedata.normalize("NFKC", ch).translate(_PUNCT).lower() if not _invisible(c)
    )
    if len(folded) <= 1:
        return folded
    # An expansion (… → ..., ㈠ → (一), ㎡ → m2) keeps a single character instead.
    single = ch.translate(_PUNCT).lower()
    return single if len(single) == 1 else ch


def _learn(text: str) -> None:
    for ch in set(text).difference(_KNOWN):
        _learn_char(ch)


def _learn_char(ch: str) -> None:
    out = _fold(ch)
    _TABLE[ord(ch)] = out or None
    _MASK[ord(ch)] = "\x01" if out else "\x00"
    _KNOWN.add(ch)
    _OUT[ord(ch)] = ord(out) if out else 0
    _SEEN[ord(ch)] = True


# The same tables as arrays over all code points, so that a whole text is folded by one lookup in
# numpy (`_folded`) instead of a dictionary lookup per character in str.translate: indexing
# normalises a text in a few such passes. _OUT holds the folded code point, 0 for a character left
# out (no character folds to U+0000, a control character); _SEEN which characters are learnt.
_OUT = np.zeros(0x110000, dtype=np.uint32)
_SEEN = np.zeros(0x110000, dtype=bool)


def _folded(text: str) -> tuple[np.ndarray, np.ndarray]:
    """(code points of `text`, their folded code points, 0 where left out), learning new characters."""
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    unseen = codes[~_SEEN[codes]]
    if len(unseen):
        for code in np.unique(unseen).tolist():
            _learn_char(chr(code))
    return codes, _OUT[codes]


def _text(codes: np.ndarray) -> str:
    return codes.astype("<u4", copy=False).tobytes().decode("utf-32-le", "surrogatepass")


# One script, one text: traditional characters are folded to simplified ones (OpenCC's t2s data,
# phrases first, so 乾燥 → 干燥 but 乾隆 stays), so a 繁体 copy of a 简体 text, or the reverse, is
# the same text to the matching. The fold keeps one character for one: where a conversion would
# change the length of a stretch of Han characters, that stretch is converted character by character
# and a character whose conversion is longer than one keeps itself (as NFKC expansions do above), so
# a normalised position still names exactly one original character.
_T2S = opencc.OpenCC("t2s")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")
_HAN_CHAR: dict[str, str] = {}


def _han_char(ch: str) -> str:
    out = _HAN_CHAR.get(ch)
    if out is None:
        out = _T2S.convert(ch)
        out = _HAN_CHAR[ch] = out if len(out) == 1 else ch
    return out


def _han_run(run: str) -> str:
    out = _T2S.convert(run)
    return out if len(out) == len(run) else "".join(map(_han_char, run))


def simplified(norm: str) -> str:
    """`norm` with its traditional characters folded to simplified ones, one character for one."""
    if norm.isascii():
        return norm
    out = _T2S.convert(norm)
    if out == norm:  # nothing traditional in it: most texts
        return out
    if len(out) == len(norm) and _HAN.sub("", out) == _HAN.sub("", norm):
        # Same length and the same characters between the Han stretches: every stretch kept its own.
        spans = [m.span() for m in _HAN.finditer(norm)]
        if [m.span() for m in _HAN.finditer(out)] == spans:
            return out
    return _HAN.sub(lambda m: _han_run(m.group()), norm)


def normalise(text: str) -> str:
    """The matching form of a piece of text (no offsets)."""
    _learn(text)
    return simplified(text.translate(_TABLE))


def stable_hash(data: str, person: bytes = b"pingyi-kgram") -> int:
    """A 64-bit hash that is the same in every process (Python's hash() is salted), signed for BIGINT."""
    digest = hashlib.blake2b(data.encode("utf-8"), digest_size=8, person=person).digest()
    return int.from_bytes(digest, "little", signed=True)


def author_key(author: str) -> int:
    """A 32-bit stand-in for an author, stored with each fingerprint to count authors from the index."""
    return int.from_bytes(
        hashlib.blake2b(author.encode("utf-8"), digest_size=4).digest(), "little", signed=True
    )


def _line_hash(norm_line: str) -> int:
    return stable_hash(norm_line, person=b"pingyi-line")


# ---------------------------------------------------------------------------------------------
# Boilerplate
# ---------------------------------------------------------------------------------------------

_MARKERS = (
    "您可能感兴趣", "可能感兴趣", "你可能感兴趣", "阅读排行", "推荐文稿", "推荐阅读", "推荐文章", "上一篇", "下一篇",
    "相关文章", "相关文稿", "相关阅读", "相关推荐", "热门文章", "热门推荐", "热门文稿", "热门阅读", "热门排行", "精彩推荐", "猜你喜欢", "点击排行", "最新文章",
    "最新文稿", "版权所有", "责任编辑", "本文来源", "扫一扫", "分享到", "返回顶部", "打印本页", "关闭窗口",
    "当前位置", "网站首页", "copyright",
)  # fmt: skip
_ANYWHERE = ("版权所有", "责任编辑", "copyright", "©", "备案号", "icp备")
_BULLET = re.compile(r"^[-*·>»+●○■□◆◇▪▶►]+")
_LEAD = re.compile(r"^[-*·>»+●○■□◆◇▪▶►\d.()]*")
_DATE_ONLY = re.compile(r"^\(?(?:(?:19|20)\d{2}[-/.年])?\d{1,2}[-/.月]\d{1,2}日?\)?$")
_DATE_EDGE = re.compile(
    r"^[-*·>»+●○■□◆◇▪▶►(]*(?:(?:19|20)\d{2}[-/.年](?:0?[1-9]|1[0-2])[-/.月](?:0?[1-9]|[12]\d|3[01])日?"
    r"|(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?!\d))"
    r"|(?:(?:19|20)\d{2}[-/.年](?:0?[1-9]|1[0-2])[-/.月](?:0?[1-9]|[12]\d|3[01])日?"
    r"|(?<!\d)(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01]))\)?$"
)


@dataclass(frozen=True)
class Line:
    start: int  # original offsets, end exclusive, without the line break
    end: int
    norm: str


def split_lines(text: str) -> list[Line]:
    codes, out = _folded(text)
    # Each line folded (its line break kept to split on: no other character folds to one).
    breaks = codes == 10
    out = np.where(breaks, np.uint32(10), out)
    folded = _text(out[out != 0]).split("\n")
    parts = text.split("\n")
    lines, start = [], 0
    for part, norm in zip(parts, _simplified_lines(folded), strict=True):
        end = start + len(part)
        lines.append(Line(start, end, norm))
        start = end + 1
    return lines


def _simplified_lines(lines: list[str]) -> list[str]:
    """[simplified(line) for line in lines], with one conversion of the whole text instead of one a line.

    OpenCC segments a text by the longest phrase in its dictionaries, and no phrase holds a line
    break: the lines joined by one convert exactly as they do one by one. A line the conversion
    changed goes through `simplified` on its own (whether it may keep the conversion is decided
    per line).
    """
    joined = "\n".join(lines)
    if joined.isascii():
        return lines
    out = _T2S.convert(joined).split("\n")
    if len(out) != len(lines):
        return [simplified(line) for line in lines]
    return [line if new == line else simplified(line) for line, new in zip(lines, out, strict=True)]


def _is_marker(norm: str) -> bool:
    body = _LEAD.sub("", norm)
    if len(norm) <= SHORT_LINE and body.startswith(_MARKERS):
        return True
    if len(norm) <= 16 and any(m in norm for m in _MARKERS):
        return True
    return len(norm) <= LIST_LINE and any(m in norm for m in _ANYWHERE)


def _is_dated(norm: str) -> bool:
    return len(norm) <= LIST_LINE and bool(_DATE_EDGE.search(norm) or _DATE_ONLY.match(norm))


def _is_list_item(norm: str) -> bool:
    return len(norm) <= LIST_LINE and bool(_BULLET.match(norm))


def line_keys(text: str, lines: Sequence[Line] | None = None) -> list[int]:
    """Hashes of the short lines, counted across corpus documents to find a site's repeated lines."""
    lines = split_lines(text) if lines is None else lines
    return sorted({_line_hash(line.norm) for line in lines if 2 <= len(line.norm) <= SHORT_LINE})


def find_boilerplate(lines: Sequence[Line], frequent_lines: Collection[int] = ()) -> list[tuple[int, int]]:
    """Original ranges of the lines that are page furniture: sidebars, link lists, footers.

    A marker line (您可能感兴趣的文稿, 上一篇 …) opens a block that runs over the list that follows it
    (dated lines, bullets, short titles) up to the first line of real length. Dated link lines are
    boilerplate in runs of three or more; a lone date line (the date under a report) is not.
    """
    kinds = []
    for line in lines:
        n = line.norm
        if not n:
            kinds.append("")
        elif _is_marker(n) or (
            frequent_lines and 2 <= len(n) <= SHORT_LINE and _line_hash(n) in frequent_lines
        ):
            kinds.append("marker")
        elif _is_dated(n):
            kinds.append("dated")
        elif _is_list_item(n):
            kinds.append("item")
        elif len(n) <= SHORT_LINE:
            kinds.append("short")
        else:
            kinds.append("text")
    drop = [k == "marker" for k in kinds]
    in_block = False
    for i, kind in enumerate(kinds):
        if kind == "marker":
            in_block = True
        elif kind in ("dated", "item", "short") and in_block:
            drop[i] = True
        elif kind == "text":
            in_block = False
    # Runs of dated lines (blank lines do not break a run).
    run: list[int] = []
    for i, kind in enumerate([*kinds, "text"]):
        if kind == "dated" or (kind in ("marker", "item") and run):
            run.append(i)
        elif kind == "":
            continue
        else:
            if sum(1 for j in run if kinds[j] == "dated") >= DATED_RUN:
                for j in run:
                    drop[j] = True
            run = []
    return [(lines[i].start, lines[i].end) for i, d in enumerate(drop) if d and lines[i].norm]


# ---------------------------------------------------------------------------------------------
# Prepared text
# ---------------------------------------------------------------------------------------------


@dataclass
class Prepared:
    """A text ready for matching: its normalised form without boilerplate, and the way back."""

    text: str
    norm: str
    offsets: list[int]  # norm index → original index
    counted: bytearray  # 1 for each original character in `chars`
    boilerplate: list[tuple[int, int]]
    chars: int
    boilerplate_chars: int
    _lines: list[Line] | None = None

    @property
    def lines(self) -> list[Line]:
        if self._lines is None:
            self._lines = split_lines(self.text)
        return self._lines

    def original(self, a: int, b: int) -> tuple[int, int]:
        """Original [start, end) of the normalised range [a, b)."""
        return self.offsets[a], self.offsets[b - 1] + 1

    @property
    def skipped(self) -> list[tuple[int, int]]:
        """Original ranges left out of `norm` (white space, invisible characters, boilerplate)."""
        return [(m.start(), m.end()) for m in re.finditer(rb"\x00+", self.counted)]


def prepare(text: str, *, frequent_lines: Collection[int] = (), lines: list[Line] | None = None) -> Prepared:
    """Normalise `text`, leaving out its boilerplate (`lines`: split_lines(text), if already made)."""
    lines = split_lines(text) if lines is None else lines
    ranges = find_boilerplate(lines, frequent_lines)
    _, out = _folded(text)
    kept = out != 0
    visible = int(np.count_nonzero(kept))
    for a, b in ranges:
        kept[a:b] = False
    counted = bytearray(kept.tobytes())
    chars = counted.count(1)
    norm = simplified(_text(out[kept]))
    return Prepared(
        text=text,
        norm=norm,
        offsets=np.flatnonzero(kept).tolist(),
        counted=counted,
        boilerplate=ranges,
        chars=chars,
        boilerplate_chars=visible - chars,
        _lines=lines,
    )


# ---------------------------------------------------------------------------------------------
# Fingerprints
# ---------------------------------------------------------------------------------------------


# Multiply-shift hashing of a k-gram's code units: the top 64 bits of (a · x) mod 2^256, with x the
# k-gram as a little-endian UTF-32 integer and a fixed odd multiplier. Stable across processes
# (unlike hash()) and well spread. Computed for all k-grams at once in numpy (indexing a province's
# reports hashes tens of millions of k-grams): x's K code units (< 2^21 each) times a's sixteen
# 16-bit limbs, as one matrix product in float64 (BLAS), exact because every column sum stays below
# 2^40 (< 2^53); then pairs of columns make 32-bit limb columns (below 2^57, uint64) and the carries
# run from the low limbs up to the top two.
_MULTIPLIER = 0x9E3779B97F4A7C15F39CC0605CEDC8341082276BF3A27251F86C6A11D0C18E95
_LIMBS = 8  # 256 bits in 32-bit limbs
_LIMB_MASK = np.uint64(0xFFFFFFFF)
_A16 = [(_MULTIPLIER >> (16 * i)) & 0xFFFF for i in range(2 * _LIMBS)]
# (16, K): 16-bit column k of the product collects code unit j (at bit 32 j) times limb k - 2j
# (mod 2^256: k - 2j < 16).
_PRODUCT16 = np.array(
    [[_A16[k - 2 * j] if 0 <= k - 2 * j < 2 * _LIMBS else 0 for j in range(K)] for k in range(2 * _LIMBS)],
    dtype=np.float64,
)
_SIGN = np.uint64(1 << 63)
_32, _16 = np.uint64(32), np.uint64(16)


def _kgram_array(norm: str) -> np.ndarray:
    """kgram_hashes as an int64 array."""
    n = len(norm) - K + 1
    if n <= 0:
        return np.zeros(0, dtype=np.int64)
    codes = np.frombuffer(norm.encode("utf-32-le"), dtype="<u4").astype(np.float64)
    halves = (_PRODUCT16 @ sliding_window_view(codes, K).T).astype(np.uint64)  # (16, n), each below 2^40
    columns = halves[0::2] + (halves[1::2] << _16)  # (8, n), each below 2^57
    carry = columns[0] >> _32
    for k in range(1, _LIMBS - 2):
        carry += columns[k]
        carry >>= _32
    low = columns[_LIMBS - 2] + carry
    top = (columns[_LIMBS - 1] + (low >> _32)) & _LIMB_MASK
    hashes = ((top << _32) | (low & _LIMB_MASK)) >> np.uint64(1)
    # Figures first: their k-grams drop by 2^63 (set the sign bit), all others keep theirs.
    in_figures = np.zeros(len(norm) + 1, dtype=np.int64)
    np.cumsum(np.frombuffer(_figure_marks(norm), dtype=np.uint8), out=in_figures[1:])
    figure = in_figures[K:] - in_figures[:-K] >= FIGURE_KGRAM
    hashes[figure] |= _SIGN
    return hashes.view(np.int64)


def kgram_hashes(norm: str) -> list[int]:
    """The hash of every k-gram, as a signed 64-bit integer (a PostgreSQL/SQLite BIGINT), figures first.

    Winnowing keeps the lowest hash of each window, and which k-gram that is decides whether a short
    copy can be found at all: a window's k-grams are mostly set wording held by thousands of reports
    (whose postings are not fetched, POSTINGS_CAP), and "36954.76万元。始终坚持以人民为中心" is found
    only if the k-gram kept is one of the figure's. So k-grams made mostly of a specific figure (at
    least FIGURE_KGRAM of their characters, see _figure_marks) hash below all others. One step, not
    a rank per figure character: every rise in rank makes the next k-gram a window's new minimum, and
    ranking by the count doubled the fingerprints of a report (733 → 1,609; one step: 923).
    The rank is a function of the text, the same in both copies of a run, so the guarantee holds
    (except where a run's end cuts a figure, which is then not a copied figure either).
    """
    return _kgram_array(norm).tolist()


FIGURE_KGRAM = 5
_FIGURE = re.compile(r"\d+\.\d+|\d{2,}")
_FIGURE_CHARS = frozenset("0123456789.")
_YEAR = re.compile(r"(?:19|20)\d\d")


# _FIGURE with its two forms told apart by group: a decimal has one point, an integer of exactly four
# digits may be a year.
_FIGURE_FORMS = re.compile(r"(\d+\.\d+)|(\d{2,})")


def _figure_marks(norm: str) -> bytearray:
    """1 at each character of a figure of three digits or more that is not a year: what sets a report apart."""
    marks = bytearray(len(norm))
    for f in _FIGURE_FORMS.finditer(norm):
        a, b = f.span()
        digits = b - a - 1 if f.lastindex == 1 else b - a
        if digits >= 3 and not (digits == 4 and f.lastindex == 2 and _YEAR.fullmatch(norm, a, b)):
            marks[a:b] = b"\x01" * (b - a)
    return marks


def _winnow_array(hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(hashes, positions) of the rightmost minimum of every window of W hashes, each kept once.

    The rightmost minimum of a sliding window only moves right, so the positions kept are those
    where it differs from the previous window's (a window shorter than W: the text is).
    """
    n = len(hashes)
    if n == 0:
        return hashes, np.zeros(0, dtype=np.int64)
    w = min(W, n)
    # argmin takes the first of equal minima: of the reversed window, the rightmost.
    best = np.arange(w - 1, n) - sliding_window_view(hashes, w)[:, ::-1].argmin(axis=1)
    moved = np.empty(len(best), dtype=bool)
    moved[0] = True
    np.not_equal(best[1:], best[:-1], out=moved[1:])
    positions = best[moved]
    return hashes[positions], positions


def winnow(hashes: Sequence[int]) -> list[tuple[int, int]]:
    """(hash, position) of the rightmost minimum of every window of W hashes, each kept once."""
    kept, positions = _winnow_array(np.asarray(hashes, dtype=np.int64))
    return list(zip(kept.tolist(), positions.tolist(), strict=True))


def fingerprint_arrays(norm: str) -> tuple[np.ndarray, np.ndarray]:
    """`fingerprints` as two int64 arrays (hashes, positions), for writing them in bulk."""
    return _winnow_array(_kgram_array(norm))


def fingerprints(norm: str) -> list[tuple[int, int]]:
    kept, positions = fingerprint_arrays(norm)
    return list(zip(kept.tolist(), positions.tolist(), strict=True))


# ---------------------------------------------------------------------------------------------
# Alignment
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    q: int  # start in the checked text's normalised form
    s: int  # start in the source's normalised form
    length: int  # in the checked text
    # A reworded run (伪原创: a word in ten or so replaced): its exact pieces (q, s, n), in order, and
    # its length in the source. Empty for an exact run, whose length is the same in both.
    pieces: tuple[tuple[int, int, int], ...] = ()
    s_length: int | None = None

    @property
    def q_end(self) -> int:
        return self.q + self.length

    @property
    def s_end(self) -> int:
        return self.s + (self.length if self.s_length is None else self.s_length)

    @property
    def reworded(self) -> bool:
        return bool(self.pieces)

    @property
    def agreeing(self) -> int:
        """Characters that agree exactly."""
        return sum(n for _q, _s, n in self.pieces) if self.pieces else self.length

    def to_source(self, pos: int) -> int:
        """The source position matching query position `pos` (in a replaced word: its start's)."""
        if not self.pieces:
            return pos + self.s - self.q
        at = self.pieces[0]
        for piece in self.pieces:
            if piece[0] > pos:
                break
            at = piece
        return at[1] + min(max(pos - at[0], 0), at[2])


def _extend(q: str, s: str, i: int, j: int) -> Match:
    while i > 0 and j > 0 and q[i - 1] == s[j - 1]:
        i -= 1
        j -= 1
    n = 0
    lq, ls = len(q), len(s)
    # Compare 32 characters at a time while they agree, then one by one.
    while i + n + 32 <= lq and j + n + 32 <= ls and q[i + n : i + n + 32] == s[j + n : j + n + 32]:
        n += 32
    while i + n < lq and j + n < ls and q[i + n] == s[j + n]:
        n += 1
    return Match(i, j, n)


# Reworded copies (伪原创): a copied passage with a word replaced here and there is one passage of
# its full length. From an exact run, the alignment steps over a replaced word to the next place
# where REWORD_ANCHOR characters agree again, at most REWORD_GAP characters on and with the source
# at most REWORD_SHIFT characters shorter or longer (a synonym of another length), and goes on
# while at least REWORD_SIMILARITY of the run's characters agree. Unrelated reports agree in set
# phrases with unrelated words between them: far below that, so they are not joined.
REWORD_GAP = 8
REWORD_SHIFT = 2
REWORD_ANCHOR = 4
REWORD_SIMILARITY = 0.8
# A reworded run ends in a piece this long at least: a shorter one after a replaced word agrees by chance.
REWORD_END = 8
REWORD_LONG = 60
_SHIFTS = tuple(sorted(range(-REWORD_SHIFT, REWORD_SHIFT + 1), key=abs))


def _exact_right(q: str, s: str, i: int, j: int) -> int:
    n, lq, ls = 0, len(q), len(s)
    while i + n < lq and j + n < ls and q[i + n] == s[j + n]:
        n += 1
    return n


def _exact_left(q: str, s: str, i: int, j: int) -> int:
    n = 0
    while i - n > 0 and j - n > 0 and q[i - n - 1] == s[j - n - 1]:
        n += 1
    return n


def _resync_right(q: str, s: str, i: int, j: int) -> tuple[int, int] | None:
    """Past a replaced word beginning at (i, j): the nearest place where an anchor agrees again."""
    for gap in range(1, REWORD_GAP + 1):
        a = i + gap
        anchor = q[a : a + REWORD_ANCHOR]
        if len(anchor) < REWORD_ANCHOR:
            return None
        for shift in _SHIFTS:
            b = j + gap + shift
            if b > j and s.startswith(anchor, b):
                return a, b
    return None


def _resync_left(q: str, s: str, i: int, j: int) -> tuple[int, int] | None:
    """As _resync_right, leftwards from a run beginning at (i, j): where the anchor before it ends."""
    for gap in range(1, REWORD_GAP + 1):
        a = i - gap
        if a < REWORD_ANCHOR:
            return None
        anchor = q[a - REWORD_ANCHOR : a]
        for shift in _SHIFTS:
            b = j - gap + shift
            if REWORD_ANCHOR <= b < j and s.endswith(anchor, 0, b):
                return a, b
    return None


def _figures_in_gap(q: str, s: str, qa: int, qb: int, sa: int, sb: int) -> bool:
    """A figure that differs (or one cut by the gap) is another fact, never a replaced word."""
    return any(_in_figure(q, i) for i in range(qa, qb)) or any(_in_figure(s, j) for j in range(sa, sb))


def _reworded(q: str, s: str, m: Match) -> Match:
    """`m` (an exact run) carried on both ways across replaced words while the run stays similar."""
    pieces = [(m.q, m.s, m.length)]
    agreeing = m.length
    while True:
        last = pieces[-1]
        found = _resync_right(q, s, last[0] + last[2], last[1] + last[2])
        if found is None:
            break
        a, b = found
        n = _exact_right(q, s, a, b)
        if agreeing + n < REWORD_SIMILARITY * (a + n - pieces[0][0]) or _figures_in_gap(
            q, s, last[0] + last[2], a, last[1] + last[2], b
        ):
            break
        pieces.append((a, b, n))
        agreeing += n
    while True:
        first = pieces[0]
        found = _resync_left(q, s, first[0], first[1])
        if found is None:
            break
        a, b = found
        n = _exact_left(q, s, a, b)
        last = pieces[-1]
        if agreeing + n < REWORD_SIMILARITY * (last[0] + last[2] - (a - n)) or _figures_in_gap(
            q, s, a, first[0], b, first[1]
        ):
            break
        pieces.insert(0, (a - n, b - n, n))
        agreeing += n
    # A run ends where texts agree for more than a chance anchor; a long one (copying beyond doubt)
    # may end in a shorter piece, as a copied passage cut mid-word does.
    end = K if agreeing >= REWORD_LONG else REWORD_END
    while len(pieces) > 1 and pieces[-1][2] < end:
        pieces.pop()
    while len(pieces) > 1 and pieces[0][2] < end:
        pieces.pop(0)
    # Rewording carries a passage on; it does not make one out of pieces none of which would be
    # one ("名。五、存在的问题和不足" + another township's name + "的短板主要有：" is two reports
    # written to one pattern).
    if len(pieces) == 1 or max(n for _a, _b, n in pieces) < MIN_PASSAGE:
        return m
    (q0, s0, _n0), (q1, s1, n1) = pieces[0], pieces[-1]
    return Match(q0, s0, q1 + n1 - q0, tuple(pieces), s1 + n1 - s0)


def align(query: str, source: str, seeds: Iterable[tuple[int, int]]) -> list[Match]:
    """Maximal runs of at least MIN_PASSAGE characters through the given k-gram seeds.

    Seeds are (query position, source position) pairs whose k-grams share a hash; each is checked
    (hashes collide), then extended character by character both ways, and across replaced words
    (_reworded). Runs on different diagonals are kept apart, so paragraphs in another order are
    found as well as in the same one.
    """
    found: list[Match] = []
    last_on_diagonal: dict[int, tuple[int, int]] = {}
    for i, j in sorted(set(seeds)):
        d = j - i
        span = last_on_diagonal.get(d)
        if span and span[0] <= i < span[1]:
            continue
        if query[i : i + K] != source[j : j + K] or len(query[i : i + K]) < K:
            continue
        m = _reworded(query, source, _extend(query, source, i, j))
        for a, b, _n in m.pieces or ((m.q, m.s, m.length),):
            last_on_diagonal[b - a] = (m.q, m.q_end)
        m = _whole_figures(query, source, m)
        if m.agreeing >= MIN_PASSAGE:
            found.append(m)
    return found


def exact_digits(documents: int) -> int:
    """Significant digits a figure needs before its agreement alone is not chance, in an index this big.

    A report gives a few figures of each kind; among N indexed reports one value of d digits turns up
    by chance about 3N / 10^d times. Below one chance in a hundred: 10^d ≥ 300 N (5 digits for a city's
    few hundred reports, 7 for the bench's 20,000).
    """
    return max(5, math.ceil(math.log10(300 * max(documents, 1))))


def _exact_figure(figure: str, digits: int) -> bool:
    return len(figure.replace(".", "").lstrip("0")) >= digits


def _in_figure(text: str, pos: int) -> bool:
    """A digit, or a decimal point between digits (a full stop is normalised to "." as well)."""
    if not 0 <= pos < len(text):
        return False
    if text[pos] == ".":
        return 0 < pos < len(text) - 1 and text[pos - 1].isdigit() and text[pos + 1].isdigit()
    return text[pos].isdigit()


def _whole_figures(query: str, source: str, m: Match) -> Match:
    """Drop a figure cut by either end of a run: 4862 in 48627 is not a copied figure.

    Agreement in a figure's leading (or trailing) digits is the commonest chance match between
    reports written to the same pattern, and never evidence of copying.
    """
    if m.pieces:
        first = _whole_figures(query, source, Match(*m.pieces[0]))
        last = _whole_figures(query, source, Match(*m.pieces[-1]))
        pieces = [(first.q, first.s, first.length), *m.pieces[1:-1], (last.q, last.s, last.length)]
        pieces = [p for p in pieces if p[2]]
        if len(pieces) < 2:
            return Match(*pieces[0]) if pieces else Match(m.q, m.s, 0)
        (q0, s0, _n0), (q1, s1, n1) = pieces[0], pieces[-1]
        return Match(q0, s0, q1 + n1 - q0, tuple(pieces), s1 + n1 - s0)
    i, j, n = m.q, m.s, m.length
    if not n or (query[i] not in _FIGURE_CHARS and query[i + n - 1] not in _FIGURE_CHARS):
        return m
    end = n
    if end and _in_figure(query, i + end - 1) and (_in_figure(query, i + end) or _in_figure(source, j + end)):
        while end and _in_figure(query, i + end - 1):
            end -= 1
    start = 0
    if start < end and _in_figure(query, i) and (_in_figure(query, i - 1) or _in_figure(source, j - 1)):
        while start < end and _in_figure(query, i + start):
            start += 1
    if (start, end) == (0, n):
        return m
    return Match(i + start, j + start, end - start)


def align_texts(query: str, source: str) -> list[Match]:
    """Align two normalised texts without an index (every shared k-gram is a seed)."""
    positions: dict[str, list[int]] = defaultdict(list)
    for j in range(len(source) - K + 1):
        positions[source[j : j + K]].append(j)
    seeds = [(i, j) for i in range(len(query) - K + 1) for j in positions.get(query[i : i + K], ())]
    return align(query, source, seeds)


# ---------------------------------------------------------------------------------------------
# Retrieval
# ---------------------------------------------------------------------------------------------


class Offsets:
    """Normalised position → original index, from the original ranges left out of the normalised text."""

    def __init__(self, skipped: Iterable[Sequence[int]]):
        self._at: list[int] = []  # the normalised position each left-out range comes before
        self._shift = [0]
        total = 0
        for a, b in skipped:
            self._at.append(a - total)
            total += b - a
            self._shift.append(total)

    def __call__(self, pos: int) -> int:
        return pos + self._shift[bisect.bisect_right(self._at, pos)]

    def original(self, a: int, b: int) -> tuple[int, int]:
        return self(a), self(b - 1) + 1


@dataclass
class Source:
    key: object  # document id, or file name for the command's --against files
    name: str
    author: str
    policy: bool
    norm: str  # (part of) the normalised text the postings' positions refer to
    corpus: bool = True
    template: bool = False  # the round's report template (class TEMPLATE)
    skipped: list | None = None  # see Prepared.skipped; None until Store.complete fills it in
    start: int = 0  # where `norm` begins in the whole normalised text
    total: int | None = None  # the whole normalised text's length
    _offsets: Offsets | None = None

    def original(self, a: int, b: int) -> tuple[int, int]:
        if self._offsets is None:
            self._offsets = Offsets(self.skipped or [])
        return self._offsets.original(a, b)


# (hash, document key, position, author_key(author))
Posting = tuple[int, object, int, int]


class Store(Protocol):
    def size(self) -> int:
        """How many documents are indexed."""
        ...

    def frequent_lines(self, keys: list[int]) -> set[int]: ...

    def counts(self, hashes: list[int]) -> dict[int, tuple[int, int]]:
        """hash → (postings, corpus postings), the checked document's own left out.

        Either count may stop just above POSTINGS_CAP, and the corpus count is only needed (and
        may be 0) where the first one is above it.
        """
        ...

    def postings(self, hashes: list[int], corpus_hashes: list[int]) -> list[Posting]:
        """Every posting of `hashes`, and the corpus documents' postings of `corpus_hashes`."""
        ...

    def sources(self, keys: list, spans: dict | None = None) -> dict[object, Source]:
        """The candidates' normalised texts: only the [lo, hi) part given in `spans`, if any."""
        ...

    def complete(self, sources: list[Source]) -> None:
        """Fill in `skipped` of the sources a passage was found in (to report original offsets)."""
        ...


# A candidate is loaded from a little before its first shared fingerprint to a little after its
# last: every run holds a fingerprint at least every W characters, so a run reaching further out
# than this is rare, and is then aligned against the whole text.
WINDOW_MARGIN = 64


def _align_candidate(store: Store, query: str, source: Source, seeds: list[tuple[int, int]]) -> list[Match]:
    shifted = [(i, j - source.start) for i, j in seeds if 0 <= j - source.start < len(source.norm)]
    matches = align(query, source.norm, shifted)
    at_end = source.total is None or source.start + len(source.norm) >= source.total
    # A run that reaches (nearly: a figure at its end may have been dropped) the edge of the part
    # loaded may go on beyond it.
    cut = any(
        (m.s <= K and source.start > 0) or (m.s_end >= len(source.norm) - K and not at_end) for m in matches
    )
    if cut:
        whole = store.sources([source.key])[source.key]
        source.norm, source.start, source.total = whole.norm, 0, len(whole.norm)
        return align(query, source.norm, seeds)
    return [_shifted(m, source.start) for m in matches]


def _shifted(m: Match, by: int) -> Match:
    if not by:
        return m
    pieces = tuple((a, b + by, n) for a, b, n in m.pieces)
    return Match(m.q, m.s + by, m.length, pieces, m.s_length)


def check(text: str, store: Store, *, author: str = "") -> Report:
    """Check `text` against everything in `store`."""
    # With the cycle collector paused: a check against a big index makes a few hundred thousand
    # short-lived tuples (postings, seeds), all freed by reference counting when it returns; the
    # collector's full passes over a Django process's heap found nothing and took 50 ms, a third of
    # a check's time at the 95th percentile (bench). gcpause nests across a worker's threads.
    with gcpause.paused():
        return _check(text, store, author)


def _check(text: str, store: Store, author: str) -> Report:
    lines = split_lines(text)
    prepared = prepare(text, frequent_lines=store.frequent_lines(line_keys(text, lines)), lines=lines)
    fps = fingerprints(prepared.norm)
    query_positions: dict[int, list[int]] = defaultdict(list)
    for h, pos in fps:
        query_positions[h].append(pos)
    counts = store.counts(sorted(query_positions))
    rare = [h for h, (n, _c) in counts.items() if 0 < n <= POSTINGS_CAP]
    corpus_only = [h for h, (n, c) in counts.items() if n > POSTINGS_CAP and 0 < c <= POSTINGS_CAP]
    postings = store.postings(sorted(rare), sorted(corpus_only))

    me = author_key(author)
    authors: dict[int, set[int]] = defaultdict(set)
    by_doc: dict[object, list[tuple[int, int]]] = defaultdict(list)
    for h, key, pos, who in postings:
        by_doc[key].append((h, pos))
        if who != me:
            authors[h].add(who)
    common = {h for h, (n, _c) in counts.items() if n > POSTINGS_CAP}
    common |= {h for h, a in authors.items() if len(a) >= COMMON_AUTHORS}

    # Candidates, best first. Fingerprints shared on one diagonal (the same offset between the two
    # texts) come from one copied run: their number ranks first. The rarity of what is shared breaks
    # ties: a short copy shares a fingerprint or two hardly anybody else holds, an unrelated
    # document a few that many hold.
    held = {h: n if n <= POSTINGS_CAP else c for h, (n, c) in counts.items()}
    weight = {h: max(1, n) ** -2 for h, n in held.items()}
    score = {}
    for key, ps in by_doc.items():
        if len(ps) == 1 and len(query_positions[ps[0][0]]) == 1:
            score[key] = 1 + weight[ps[0][0]]
            continue
        diagonals = Counter(pos - i for h, pos in ps for i in query_positions[h])
        score[key] = max(diagonals.values()) + sum(weight[h] for h in {h for h, _ in ps})
    ranked = sorted(score, key=lambda key: (-score[key], str(key)))
    # Besides the best, the documents holding a fingerprint hardly any other holds (a figure, as
    # kgram_hashes prefers them): that is how a copied sentence shows, and unrelated reports sharing
    # a few set phrases on one diagonal would otherwise crowd it out of the candidates.
    rare = {key for h, key, _pos, _who in postings if held[h] <= RARE_DOCS}
    ranked = (
        ranked[:MAX_CANDIDATES] + [key for key in ranked[MAX_CANDIDATES:] if key in rare][:RARE_CANDIDATES]
    )
    spans = {}
    for key in ranked:
        positions = [pos for _, pos in by_doc[key]]
        spans[key] = (max(0, min(positions) - WINDOW_MARGIN), max(positions) + K + WINDOW_MARGIN)
    loaded = store.sources(ranked, spans)
    found = []
    for key in ranked:
        source = loaded.get(key)
        if source is None:
            continue
        seeds = [(i, pos) for h, pos in by_doc[key] for i in query_positions[h]]
        matches = _align_candidate(store, prepared.norm, source, seeds)
        if matches:
            found.append((source, matches))
    return analyse(prepared, found, common, fps, complete=store.complete, documents=store.size())


# ---------------------------------------------------------------------------------------------
# Classification and measures
# ---------------------------------------------------------------------------------------------


@dataclass
class Passage:
    start: int
    end: int
    cls: str
    source: str
    source_key: object
    source_start: int
    source_end: int
    chars: int
    reworded: bool = False  # 改写: copied with words replaced here and there

    def as_json(self) -> dict:
        return {
            "start": self.start,
            "end": self.end,
            "class": self.cls,
            "source": self.source,
            "source_start": self.source_start,
            "source_end": self.source_end,
            "reworded": self.reworded,
        }


@dataclass
class Paragraph:
    start: int
    end: int
    chars: int
    total_copy_ratio: float
    excluding_quotes_ratio: float


@dataclass
class Report:
    chars: int
    total_copy_ratio: float
    excluding_quotes_ratio: float
    max_single_source: dict
    longest_run: int
    boilerplate_chars: int
    passages: list[Passage]
    paragraphs: list[Paragraph] = field(default_factory=list)
    boilerplate: list[tuple[int, int]] = field(default_factory=list)
    class_chars: dict[str, int] = field(default_factory=dict)
    reworded_chars: int = 0  # counted characters in reworded (改写) passages of a counted class

    def contract(self) -> dict:
        """Exactly the object of spec/dupcheck.md."""
        return {
            "chars": self.chars,
            "total_copy_ratio": self.total_copy_ratio,
            "excluding_quotes_ratio": self.excluding_quotes_ratio,
            "max_single_source": {
                "source": self.max_single_source["source"],
                "ratio": self.max_single_source["ratio"],
            },
            "longest_run": self.longest_run,
            "boilerplate_chars": self.boilerplate_chars,
            "reworded_chars": self.reworded_chars,
            "passages": [p.as_json() for p in self.passages],
        }


def ratio(part: int, whole: int) -> float:
    """part / whole to 4 decimals, half up (exact: Decimal, not binary floats)."""
    if not whole:
        return 0.0
    return float((Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))


_QUOTE_PAIRS = {"“": "”", "「": "」", "『": "』", "”": "”", '"': '"', "＂": "＂"}


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Outermost quoted spans (marks included) within a line; an unclosed quote quotes nothing."""
    spans = []
    stack: list[tuple[str, int]] = []
    for i, ch in enumerate(text):
        if ch == "\n":
            stack.clear()
            continue
        if stack and ch == stack[-1][0]:
            _closer, start = stack.pop()
            if not stack:
                spans.append((start, i + 1))
        elif ch in _QUOTE_PAIRS:
            stack.append((_QUOTE_PAIRS[ch], i))
    return spans


def _edge(ch: str) -> bool:
    """Punctuation or white space, which a quotation may carry with it: ：“……”。"""
    return _invisible(ch) or unicodedata.category(ch)[0] == "P"


def quoted_areas(text: str) -> list[tuple[int, int]]:
    """Each quoted span widened over the punctuation and white space next to it."""
    areas = []
    for a, b in quote_spans(text):
        while a > 0 and _edge(text[a - 1]):
            a -= 1
        while b < len(text) and _edge(text[b]):
            b += 1
        areas.append((a, b))
    return areas


def _quoted_positions(prepared: Prepared) -> bytearray:
    """1 at each normalised position inside a quotation long enough to be a citation."""
    inside = bytearray(len(prepared.norm))
    for a, b in quote_spans(prepared.text):
        lo = bisect.bisect_left(prepared.offsets, a)
        hi = bisect.bisect_left(prepared.offsets, b)
        if hi - lo - 2 >= MIN_QUOTE:
            inside[lo:hi] = b"\x01" * (hi - lo)
    return inside


def _pieces(a: int, b: int, base: str, inside: bytearray) -> list[tuple[int, int, str]]:
    """Split [a, b) at quotation boundaries; short leftovers next to a quotation join it."""
    if base == TEMPLATE:
        return [(a, b, base)]  # the template's own quotation marks quote nothing of the report's
    runs: list[list] = []
    for pos in range(a, b):
        quoted = bool(inside[pos])
        if runs and runs[-1][2] == quoted:
            runs[-1][1] = pos + 1
        else:
            runs.append([pos, pos + 1, quoted])
    if not any(r[2] for r in runs):
        return [(a, b, base)]
    for idx, run in enumerate(runs):
        if not run[2] and run[1] - run[0] < MIN_PASSAGE:
            neighbours = runs[idx - 1 : idx] + runs[idx + 1 : idx + 2]
            if any(n[2] for n in neighbours):
                run[2] = True
    out: list[tuple[int, int, str]] = []
    for start, end, quoted in runs:
        cls = QUOTATION if quoted else base
        if out and out[-1][2] == cls:
            out[-1] = (out[-1][0], end, cls)
        else:
            out.append((start, end, cls))
    return out


def _overlap(a: bytearray, b: bytearray) -> int:
    """Positions where two 0/1 byte masks are both 1 (one bit per byte, so count the bits)."""
    return (int.from_bytes(a, "big") & int.from_bytes(b, "big")).bit_count()


_FREE = re.compile(rb"\x00+")


def _agreeing_in(m: Match, a: int, b: int) -> int:
    """Characters of [a, b) inside the reworded run's agreeing pieces."""
    return sum(max(0, min(b, q + n) - max(a, q)) for q, _s, n in m.pieces)


def _free(taken: bytearray, m: Match) -> int:
    """Characters of the run not yet taken, in stretches long enough to be kept (see analyse)."""
    if not taken[m.q : m.q_end].count(1):
        return m.length
    return sum(len(f.group()) for f in _FREE.finditer(taken, m.q, m.q_end) if len(f.group()) >= K)


def analyse(
    prepared: Prepared,
    found: list[tuple[Source, list[Match]]],
    common_hashes: Collection[int],
    fps: Sequence[tuple[int, int]],
    complete=None,
    documents: int = 0,
) -> Report:
    """Classify the matches, keep one source per stretch of text, and measure (`documents`: index size)."""
    digits = exact_digits(documents)
    fp_positions = [pos for _h, pos in fps]
    fp_common = [h in common_hashes for h, _pos in fps]
    inside = _quoted_positions(prepared)

    def base_class(source: Source, m: Match) -> str:
        if source.template:
            return TEMPLATE
        if source.policy:
            return POLICY
        # What agrees: a reworded run's figures between its pieces need not.
        run = "".join(prepared.norm[a : a + n] for a, _b, n in m.pieces) or prepared.norm[m.q : m.q_end]
        figures = list(_FIGURE.finditer(run))
        specific = [m.q + f.start() for f in figures if not _YEAR.fullmatch(f.group())]
        if len(specific) >= 2 or any(_exact_figure(f.group(), digits) for f in figures):
            return COPIED  # two figures that agree, or one precise enough (exact_digits), are not chance
        lo = bisect.bisect_left(fp_positions, m.q)
        hi = bisect.bisect_right(fp_positions, m.q_end - K)
        inside = range(lo, hi)
        if m.pieces:
            # Only what the two texts share: a replaced word's k-grams are the checked text's own.
            inside = [i for i in inside if any(a <= fp_positions[i] <= a + n - K for a, _b, n in m.pieces)]
        rare = [fp_positions[i] for i in inside if not fp_common[i]]
        if not rare and not specific:
            return COMMON if m.length <= COMMON_MAX_CHARS or not source.corpus else COPIED
        if m.length <= COMMON_MAX_CHARS:
            # A figure is specific even where its digits, a few at a time, are common.
            spots = sorted(rare + specific)
            if len(rare) < len(inside) and spots[-1] - spots[0] < K:
                return COMMON
            if len(run) - sum(len(f.group()) for f in figures) < MIN_PASSAGE:
                return COMMON
        return COPIED

    counted = prepared.counted
    per_source: list[tuple[int, int, Source]] = []
    candidates = []
    # What the template holds counts for no source: another report following the template holds its
    # headings too, and is not where they were copied from.
    counted_here = bytearray(counted)
    for source, matches in found:
        if source.template:
            for m in matches:
                start, end = prepared.original(m.q, m.q_end)
                counted_here[start:end] = bytes(end - start)
    for rank, (source, matches) in enumerate(found):
        covered = bytearray(len(prepared.text))
        for m in matches:
            base = base_class(source, m)
            candidates.append((m, source, rank, base))
            for a, b, cls in _pieces(m.q, m.q_end, base, inside):
                if cls not in NOT_COUNTED:
                    start, end = prepared.original(a, b)
                    covered[start:end] = b"\x01" * (end - start)
        n = _overlap(covered, counted_here)
        per_source.append((n, -rank, source))

    # Runs found in the report template first (every report following it holds its headings too),
    # then runs found in a policy text (wording found there is policy wording, whoever else repeats
    # it), then the run with the most text not yet taken, a corpus text before a report with as much
    # (the report most likely copied it from there too); each keeps the stretch no run before it took.
    # Lazy greedy: a run whose free length shrank since it was queued goes back with its new length.
    taken = bytearray(len(prepared.norm))
    by_template = bytearray(len(prepared.norm))
    segments = []
    queue = [
        (c[3] != TEMPLATE, c[3] != POLICY, -c[0].length, not c[1].corpus, c[2], c[0].q, n)
        for n, c in enumerate(candidates)
    ]
    heapq.heapify(queue)
    while queue:
        key = heapq.heappop(queue)
        m, source, _rank, base = candidates[key[-1]]
        free = _free(taken, m)
        if not free:
            continue
        if free != -key[2]:
            heapq.heappush(queue, (key[0], key[1], -free, *key[3:]))
            continue
        pos = m.q
        while pos < m.q_end:
            if taken[pos]:
                pos += 1
                continue
            end = pos
            while end < m.q_end and not taken[end]:
                end += 1
            taken[pos:end] = b"\x01" * (end - pos)
            if base == TEMPLATE:
                by_template[pos:end] = b"\x01" * (end - pos)
            # A few characters left over from a run mostly taken by another are evidence of nothing;
            # what is left of a run through the template's wording ("书记述职报告" before its opening
            # sentence) is evidence only as long as a passage.
            # What is left of a reworded run counts its agreeing characters only: "杨彬" in
            # "街道党工委书记杨彬述职报告" against another's name is not a replaced word once the
            # template took the sentence after it.
            least = MIN_PASSAGE if by_template.find(1, m.q, m.q_end) >= 0 or m.pieces else K
            whole = (pos, end) == (m.q, m.q_end)
            if whole or (_agreeing_in(m, pos, end) if m.pieces else end - pos) >= least:
                segments.append((pos, end, source, m, base))
            pos = end
    segments.sort(key=lambda s: s[0])

    # Pieces of one run that touch and keep the class stay one passage.
    pieces: list[list] = []
    longest = 0
    for a, b, source, m, base in segments:
        if base not in NOT_COUNTED:
            start, end = prepared.original(a, b)
            longest = max(longest, sum(counted[start:end]))
        for pa, pb, cls in _pieces(a, b, base, inside):
            prev = pieces[-1] if pieces else None
            same_run = prev and (
                prev[3] is m or (not (prev[3].pieces or m.pieces) and prev[3].s - prev[3].q == m.s - m.q)
            )
            if prev and prev[1] == pa and prev[2] is source and same_run and prev[4] == cls:
                prev[1] = pb
            else:
                pieces.append([pa, pb, source, m, cls])

    if complete is not None:
        # Only now is it known which sources' original offsets are needed.
        complete(list({id(piece[2]): piece[2] for piece in pieces}.values()))
    classes = bytearray(len(prepared.text))
    codes = {COPIED: 1, QUOTATION: 2, POLICY: 3, COMMON: 4, TEMPLATE: 5}
    passages: list[Passage] = []
    areas = quoted_areas(prepared.text) if pieces else []
    for pa, pb, source, m, cls in pieces:
        start, end = prepared.original(pa, pb)
        if cls == COPIED and any(a <= start and end <= b for a, b in areas):
            cls = QUOTATION
        src_start, src_end = source.original(m.to_source(pa), m.to_source(pb - 1) + 1)
        # Reworded (改写) when a replaced word lies inside the passage.
        reworded = any(pa < a < pb for a, _b, _n in m.pieces[1:])
        passages.append(
            Passage(start, end, cls, source.name, source.key, src_start, src_end, 0, reworded=reworded)
        )
        code = codes[cls]
        for i in range(start, end):
            if counted[i]:
                classes[i] = code
    for p in passages:
        p.chars = sum(counted[p.start : p.end])
    reworded_chars = sum(p.chars for p in passages if p.reworded and p.cls not in NOT_COUNTED)

    tally = dict.fromkeys(CLASSES, 0)
    names = {v: k for k, v in codes.items()}
    for code in classes:
        if code:
            tally[names[code]] += 1
    total = tally[COPIED] + tally[QUOTATION] + tally[POLICY]
    chars = prepared.chars

    best = max(per_source, key=lambda t: (t[0], t[1]), default=None)
    if best and best[0]:
        single = {"source": best[2].name, "key": best[2].key, "ratio": ratio(best[0], chars)}
    else:
        single = {"source": None, "key": None, "ratio": 0.0}

    paragraphs = []
    for line in prepared.lines:
        n = sum(counted[line.start : line.end])
        if not n:
            continue
        span = classes[line.start : line.end]
        in_total = sum(1 for c in span if c in (1, 2, 3))
        paragraphs.append(
            Paragraph(line.start, line.end, n, ratio(in_total, n), ratio(sum(1 for c in span if c == 1), n))
        )
    return Report(
        chars=chars,
        total_copy_ratio=ratio(total, chars),
        excluding_quotes_ratio=ratio(tally[COPIED], chars),
        max_single_source=single,
        longest_run=longest,
        boilerplate_chars=prepared.boilerplate_chars,
        passages=passages,
        paragraphs=paragraphs,
        boilerplate=prepared.boilerplate,
        class_chars=tally,
        reworded_chars=reworded_chars,
    )


# ---------------------------------------------------------------------------------------------
# In-memory index
# ---------------------------------------------------------------------------------------------


@dataclass
class _Entry:
    source: Source
    corpus: bool
    hashes: set[int]


class MemoryIndex:
    """A `Store` in dictionaries: for the command's --against files, tests and the bench's oracle."""

    def __init__(self):
        self._entries: dict[object, _Entry] = {}
        self._postings: dict[int, list[tuple[object, int]]] = defaultdict(list)
        self._lines: dict[int, set[object]] = defaultdict(set)

    def __len__(self):
        return len(self._entries)

    def add(self, key, text: str, *, name: str | None = None, author: str | None = None,
            policy: bool = False, corpus: bool = True, template: bool = False) -> Prepared:  # fmt: skip
        lines = split_lines(text)
        keys = line_keys(text, lines)
        prepared = prepare(text, frequent_lines=self.frequent_lines(keys), lines=lines)
        fps = fingerprints(prepared.norm)
        name = str(key) if name is None else name
        source = Source(
            key, name, name if author is None else author, policy,
            norm=prepared.norm, corpus=corpus, template=template, skipped=prepared.skipped,
        )  # fmt: skip
        self._entries[key] = _Entry(source, corpus, {h for h, _ in fps})
        for h, pos in fps:
            self._postings[h].append((key, pos))
        if corpus:
            for line in keys:
                self._lines[line].add(key)
        return prepared

    def size(self) -> int:
        return len(self._entries)

    def frequent_lines(self, keys: list[int]) -> set[int]:
        return {k for k in keys if len(self._lines.get(k, ())) >= FREQUENT_LINE_DOCS}

    def counts(self, hashes: list[int]) -> dict[int, tuple[int, int]]:
        out = {}
        for h in hashes:
            docs = {key for key, _ in self._postings.get(h, ())}
            out[h] = (len(docs), sum(1 for key in docs if self._entries[key].corpus))
        return out

    def postings(self, hashes: list[int], corpus_hashes: list[int]) -> list[Posting]:
        out = []
        for h in hashes:
            out += [
                (h, key, pos, author_key(self._entries[key].source.author)) for key, pos in self._postings[h]
            ]
        for h in corpus_hashes:
            out += [
                (h, key, pos, author_key(self._entries[key].source.author))
                for key, pos in self._postings[h]
                if self._entries[key].corpus
            ]
        return out

    def sources(self, keys: list, spans: dict | None = None) -> dict[object, Source]:
        return {key: self._entries[key].source for key in keys if key in self._entries}

    def complete(self, sources: list[Source]) -> None:
        pass  # kept whole in memory

    def check(self, text: str, *, author: str = "") -> Report:
        return check(text, self, author=author)
