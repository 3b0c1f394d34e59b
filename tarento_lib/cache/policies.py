"""Replacement-policy simulator: how many hits each policy gets on a key trace.

Each policy is a function ``(trace, capacity) -> hits`` over a demand cache (every miss is
inserted). ``OPT`` is Belady's offline optimum: on a miss it evicts the cached key whose next
use is farthest away, so no demand policy can score more hits on the same trace and capacity.
``ARC`` (Megiddo & Modha, 2003) is the modern adaptive policy: it balances recency and
frequency with two ghost lists and resists scans that flush plain LRU.
"""

from __future__ import annotations

import heapq
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Hashable, Sequence

from tarento_lib._validate import require_choice, require_int

__all__ = [
    "POLICIES",
    "arc_hits",
    "fifo_hits",
    "hit_rate",
    "hit_rate_curves",
    "lfu_hits",
    "lru_hits",
    "opt_hits",
    "tinylfu_hits",
]

Trace = Sequence[Hashable]


def lru_hits(trace: Trace, capacity: int) -> int:
    cache: OrderedDict[Hashable, None] = OrderedDict()
    hits = 0
    for key in trace:
        if key in cache:
            hits += 1
            cache.move_to_end(key)
        else:
            if len(cache) >= capacity:
                cache.popitem(last=False)
            cache[key] = None
    return hits


def fifo_hits(trace: Trace, capacity: int) -> int:
    cache: OrderedDict[Hashable, None] = (
        OrderedDict()
    )  # insertion order only: a hit changes nothing
    hits = 0
    for key in trace:
        if key in cache:
            hits += 1
        else:
            if len(cache) >= capacity:
                cache.popitem(last=False)
            cache[key] = None
    return hits


def lfu_hits(trace: Trace, capacity: int) -> int:
    """Least frequently used, ties broken by least recent use;
    O(1) per access with frequency buckets."""
    freq: dict[Hashable, int] = {}
    buckets: defaultdict[int, OrderedDict[Hashable, None]] = defaultdict(OrderedDict)
    min_freq = hits = 0
    for key in trace:
        if key in freq:
            hits += 1
            f = freq[key]
            del buckets[f][key]
            if not buckets[f]:
                del buckets[f]
                if min_freq == f:
                    min_freq = f + 1
            freq[key] = f + 1
            buckets[f + 1][key] = None
            continue
        if len(freq) >= capacity:
            victim, _ = buckets[min_freq].popitem(last=False)
            if not buckets[min_freq]:
                del buckets[min_freq]
            del freq[victim]
        freq[key] = min_freq = 1
        buckets[1][key] = None
    return hits


def next_uses(trace: Trace) -> list[int]:
    """For each position, where the same key comes next (``len(trace)`` + position if never)."""
    n = len(trace)
    upcoming: dict[Hashable, int] = {}
    result = [0] * n
    for i in range(n - 1, -1, -1):
        result[i] = upcoming.get(
            trace[i], n + i
        )  # distinct "never" values keep the heap ordering total
        upcoming[trace[i]] = i
    return result


def opt_hits(trace: Trace, capacity: int) -> int:
    """Belady's MIN in O(n log n): a max-heap of next-use positions with lazy deletion."""
    nxt = next_uses(trace)
    cached: dict[Hashable, int] = {}  # key -> its next use
    heap: list[tuple[int, Hashable]] = []  # (-next use, key); rows whose next use changed are stale
    hits = 0
    for i, key in enumerate(trace):
        if key in cached:
            hits += 1
        elif len(cached) >= capacity:
            while True:
                far, victim = heapq.heappop(heap)
                if cached.get(victim) == -far:
                    del cached[victim]
                    break
        cached[key] = nxt[i]
        heapq.heappush(heap, (-nxt[i], key))
    return hits


def arc_hits(trace: Trace, capacity: int) -> int:
    """Adaptive Replacement Cache: T1 (seen once) and T2 (seen again) plus ghosts B1, B2."""
    t1: OrderedDict[Hashable, None] = OrderedDict()
    t2: OrderedDict[Hashable, None] = OrderedDict()
    b1: OrderedDict[Hashable, None] = OrderedDict()
    b2: OrderedDict[Hashable, None] = OrderedDict()
    p = 0.0  # target size of T1
    c = capacity
    hits = 0

    def replace(in_b2: bool) -> None:
        if t1 and (len(t1) > p or (in_b2 and len(t1) == p)):
            old, _ = t1.popitem(last=False)
            b1[old] = None
        else:
            old, _ = t2.popitem(last=False)
            b2[old] = None

    for key in trace:
        if key in t1 or key in t2:
            hits += 1
            t1.pop(key, None)
            t2.pop(key, None)
            t2[key] = None
        elif key in b1:
            p = min(float(c), p + max(len(b2) / len(b1), 1.0))
            replace(False)
            del b1[key]
            t2[key] = None
        elif key in b2:
            p = max(0.0, p - max(len(b1) / len(b2), 1.0))
            replace(True)
            del b2[key]
            t2[key] = None
        else:
            if len(t1) + len(b1) == c:
                if len(t1) < c:
                    b1.popitem(last=False)
                    replace(False)
                else:
                    t1.popitem(last=False)
            elif len(t1) + len(b1) < c <= len(t1) + len(t2) + len(b1) + len(b2):
                if len(t1) + len(t2) + len(b1) + len(b2) == 2 * c:
                    b2.popitem(last=False)
                replace(False)
            t1[key] = None
    return hits


def tinylfu_hits(trace: Trace, capacity: int) -> int:
    """W-TinyLFU (Einziger, Friedman & Manes, 2017), the policy behind Caffeine.

    A small LRU window (1 %) admits every new key; when the window overflows, its victim
    enters the main segmented LRU only if it has been used more often (by an aging frequency
    count) than the main cache's own victim. A loop larger than the cache therefore stops
    churning the main cache, where LRU, FIFO and ARC get no hits at all.
    """
    window_size = max(1, capacity // 100)
    main_size = capacity - window_size
    protected_size = int(main_size * 0.8)
    window: OrderedDict[Hashable, None] = OrderedDict()
    probation: OrderedDict[Hashable, None] = OrderedDict()
    protected: OrderedDict[Hashable, None] = OrderedDict()
    counts: defaultdict[Hashable, int] = defaultdict(int)
    sample, sample_size, hits = 0, 10 * capacity, 0

    for key in trace:
        counts[key] += 1
        sample += 1
        if sample >= sample_size:  # aging: halve every count so old popularity fades
            counts = defaultdict(int, {k: v // 2 for k, v in counts.items() if v > 1})
            sample //= 2
        if key in window:
            hits += 1
            window.move_to_end(key)
        elif key in protected:
            hits += 1
            protected.move_to_end(key)
        elif key in probation:
            hits += 1
            del probation[key]
            protected[key] = None
            if len(protected) > protected_size:
                demoted, _ = protected.popitem(last=False)
                probation[demoted] = None
        else:
            window[key] = None
            if len(window) > window_size:
                candidate, _ = window.popitem(last=False)
                if len(probation) + len(protected) < main_size:
                    probation[candidate] = None
                elif probation:
                    victim = next(iter(probation))
                    if counts[candidate] > counts[victim]:
                        del probation[victim]
                        probation[candidate] = None
    return hits


POLICIES: dict[str, Callable[[Trace, int], int]] = {
    "LRU": lru_hits,
    "FIFO": fifo_hits,
    "LFU": lfu_hits,
    "ARC": arc_hits,
    "W-TinyLFU": tinylfu_hits,
    "OPT": opt_hits,
}


def hit_rate(trace: Trace, capacity: int, policy: str = "LRU") -> float:
    """The fraction of accesses in ``trace`` that hit, for one policy and capacity."""
    require_int(capacity, "capacity", minimum=1)
    require_choice(policy, "policy", POLICIES)
    return POLICIES[policy](trace, capacity) / len(trace) if len(trace) else 0.0


def hit_rate_curves(
    trace: Trace, capacities: Sequence[int], policies: Sequence[str] = tuple(POLICIES)
) -> dict[str, list[float]]:
    """``{policy: [hit rate at each capacity]}``, ready for ``lab.line_chart``."""
    return {name: [hit_rate(trace, c, name) for c in capacities] for name in policies}
