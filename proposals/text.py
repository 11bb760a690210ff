"""Chinese text to words (jieba), for routing recommendations and similarity."""

from __future__ import annotations

import logging
import re
import threading

_lock = threading.Lock()
_ready = False

STOPWORDS = frozenset(
    "的 了 和 与 及 是 在 有 我 我们 你 他 她 它 这 那 这个 那个 一个 一些 没有 不是 可以 进行 建议 希望 要求 问题 "
    "情况 相关 有关 部门 能够 如何 为了 因为 所以 但是 如果 以及 对于 关于 已经 目前 存在 造成 导致 需要 应该 请 "
    "尽快 加强 解决 反映 群众 市民 居民 政府 单位 工作 方面 一下 非常 比较 特别 很多 更加 进一步".split()
)
_KEEP = re.compile(r"[\u4e00-\u9fffA-Za-z]")


def _jieba():
    global _ready
    import jieba

    if not _ready:
        with _lock:
            if not _ready:
                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _ready = True
    return jieba


def words(text: str, *, limit: int = 200) -> list[str]:
    """Distinct meaningful words of ``text`` in order of first appearance (at most ``limit``)."""
    seen: dict[str, None] = {}
    for token in _jieba().lcut(text[:5000]):
        token = token.strip().lower()
        if len(token) < 2 or len(token) > 40 or token in STOPWORDS or not _KEEP.search(token):
            continue
        seen.setdefault(token, None)
        if len(seen) >= limit:
            break
    return list(seen)
