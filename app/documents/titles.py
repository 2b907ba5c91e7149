"""Where a title breaks: GB/T 9704 7.3.3 asks that a wrapped title keep its words whole (回行时
要做到词意完整), its lines balanced (排列对称，长短适宜) in a trapezoid or a diamond, not a
rectangle or an hourglass.

A caller that knows where its title should break says so with "\\n". Otherwise the lines are
chosen among all breaks between clusters (never inside a number or a date, see `breaking`):
breaks between words of the 公文 vocabulary below cost nothing, breaks inside one are avoided,
a line of one or two characters is never made, and lines of like length win.
"""

from __future__ import annotations

import math
from functools import lru_cache
from itertools import pairwise

from app.documents.breaking import EPSILON, NO_START, Measurer, break_lines, clusters

# Words of the titles this program prints (notices, minutes, rosters, lists of awards): a
# break inside one splits a word. Longer words first only for reading; all are searched.
TITLE_WORDS = (
    "反电信网络诈骗", "电信网络诈骗", "网络诈骗", "电信诈骗", "反诈", "电信", "网络", "诈骗",
    "防骗", "工作", "情况", "通报", "通知", "纪要", "会议", "例会", "联席会议", "专题会",
    "工作领导小组", "领导小组", "组成人员", "成员单位", "成员", "名单", "汇编", "典型案例",
    "案例", "劝阻", "奖励", "表彰", "第一季度", "第二季度", "第三季度", "第四季度", "季度",
    "上半年", "下半年", "年度", "分中心", "中心", "办公室", "宣传月", "宣传", "防范", "打击治理",
    "打击", "治理", "专项行动", "专项", "行动", "整治", "实施方案", "方案", "意见", "报告",
    "总结", "计划", "安排", "部署", "考核", "督导", "检查", "入户走访", "走访", "告知书",
    "承诺书", "无诈", "社区", "单位", "校园", "楼宇", "两卡", "违法犯罪", "年终岁末", "攻势",
    "推进", "开展", "关于", "进一步", "加强", "全面", "深入", "做好", "落实", "责任", "调整",
    "全镇", "全乡", "全街道", "活动", "评选", "先进", "集体", "个人", "典型", "经验", "做法",
)  # fmt: skip
# A break right after these is a natural pause; one right before 的 or a closing mark is not.
PAUSE_AFTER = frozenset("的和与及暨、，：；）》”")
PAUSE_BEFORE = frozenset("（《“")
INSIDE_WORD = 1000.0
BEFORE_PARTICLE = 500.0
AFTER_GUANYU = 200.0
UNKNOWN = 40.0
HALF_KNOWN = 10.0
RECTANGLE = 3.0
HOURGLASS = 30.0
SHORTEST_LINE = 3  # characters: never one or two alone on a line
MOST_LINES = 4  # lines a title is balanced over (the search grows with the power of this)
# Remembered title lines: 1,000 letters share one title.
_CACHE: dict[tuple, tuple[str, ...] | None] = {}


def title_lines(m: Measurer, text: str, size: float, width: float) -> list[str]:
    """The lines of a title `width` points wide: its own "\\n" breaks, and each part wrapped
    with words whole and lines balanced."""
    lines: list[str] = []
    for part in text.split("\n"):
        if part.strip():
            lines += _wrapped(m, part, size, width)
    return lines or [""]


def _wrapped(m: Measurer, text: str, size: float, width: float) -> list[str]:
    key = (id(m.fonts), text, size, width)
    found = _CACHE.get(key, False)
    if found is False:
        fits = m.width("title", text, size, 0.0) <= width + EPSILON
        found = (text,) if fits else _best_lines(m, text, size, width)
        if len(_CACHE) > 2048:
            _CACHE.clear()
        _CACHE[key] = found
    return list(found) if found else break_lines(m, "title", text, size, 0.0, width, width)


@lru_cache(maxsize=512)
def _costs(text: str) -> tuple[float, ...]:
    """The cost of a break before each character of `text` (index 0 unused)."""
    inside: set[int] = set()
    starts: set[int] = set()
    ends: set[int] = set()
    for word in TITLE_WORDS:
        at = text.find(word)
        while at >= 0:
            inside.update(range(at + 1, at + len(word)))
            starts.add(at)
            ends.add(at + len(word))
            at = text.find(word, at + 1)
    costs = [0.0]
    for i in range(1, len(text)):
        left, right = text[i - 1], text[i]
        known_left = i in ends or left.isdigit() or left in "年月度"
        known_right = i in starts or right.isdigit()
        if right == "的" or right in NO_START:
            cost = BEFORE_PARTICLE
        elif i in inside:
            cost = INSIDE_WORD
        elif left in PAUSE_AFTER or right in PAUSE_BEFORE or (known_left and known_right):
            cost = 0.0
        elif known_left or known_right:
            cost = HALF_KNOWN
        else:
            cost = UNKNOWN
        if text[:i].endswith("关于"):
            cost += AFTER_GUANYU
        costs.append(cost)
    return tuple(costs)


def _best_lines(m: Measurer, text: str, size: float, width: float) -> tuple[str, ...] | None:
    """The best lines of a title too long for one line, or None when no break keeps to the
    rules (the caller then wraps it plainly)."""
    pieces = clusters(text)
    widths = [m.width("title", p, size, 0.0) / size for p in pieces]  # in ems
    offsets = [0]
    for piece in pieces:
        offsets.append(offsets[-1] + len(piece))
    costs = _costs(text)
    limit = width / size + EPSILON
    fewest = max(2, math.ceil(sum(widths) / limit))
    if fewest > MOST_LINES:
        return None  # no title is that long; a paragraph in the title face wraps plainly
    best: tuple[float, tuple[int, ...]] | None = None
    for count in (fewest, fewest + 1):
        found = _search(pieces, widths, offsets, costs, limit, count)
        if found and (best is None or found[0] < best[0]):
            best = found
        if best and best[0] < BEFORE_PARTICLE:
            break  # the fewest lines that keep the words whole
    if best is None:
        return None
    cuts = (0, *best[1], len(pieces))
    return tuple("".join(pieces[a:b]) for a, b in pairwise(cuts))


def _search(
    pieces: list[str],
    widths: list[float],
    offsets: list[int],
    costs: tuple[float, ...],
    limit: float,
    count: int,
) -> tuple[float, tuple[int, ...]] | None:
    """The cheapest way to cut the pieces into `count` lines that fit (cuts are indices into
    `pieces`), as (score, cuts), or None."""
    n = len(pieces)
    best: list = [None]

    def line_fits(a: int, b: int) -> bool:
        return sum(widths[a:b]) <= limit and offsets[b] - offsets[a] >= SHORTEST_LINE

    def walk(start: int, cuts: tuple[int, ...], cost: float) -> None:
        if best[0] is not None and cost >= best[0][0]:
            return
        if len(cuts) == count - 1:
            if not line_fits(start, n):
                return
            score = cost + _shape(widths, (0, *cuts, n))
            if best[0] is None or score < best[0][0]:
                best[0] = (score, cuts)
            return
        for end in range(start + 1, n):
            if sum(widths[start:end]) > limit:
                break
            if line_fits(start, end):
                walk(end, (*cuts, end), cost + costs[offsets[end]])

    walk(0, (), 0.0)
    return best[0]


def _shape(widths: list[float], cuts: tuple[int, ...]) -> float:
    """How far lines of these widths (in ems) are from balanced: the squared spread about
    their mean, and a little more for a rectangle or an hourglass."""
    lines = [sum(widths[a:b]) for a, b in pairwise(cuts)]
    mean = sum(lines) / len(lines)
    score = sum((w - mean) ** 2 for w in lines)
    if max(lines) - min(lines) < 0.5:
        score += RECTANGLE
    if len(lines) == 3 and lines[1] < min(lines[0], lines[2]) - 0.5:
        score += HOURGLASS
    return score
