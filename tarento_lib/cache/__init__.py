"""LRU caches (OrderedDict-based and hand-linked) and a replacement-policy simulator."""

from tarento_lib.cache._base import CacheStats
from tarento_lib.cache.linked import LinkedLRUCache, ThreadSafeLinkedLRUCache
from tarento_lib.cache.lru import LRUCache
from tarento_lib.cache.policies import POLICIES, hit_rate, hit_rate_curves

__all__ = [
    "POLICIES",
    "CacheStats",
    "LRUCache",
    "LinkedLRUCache",
    "ThreadSafeLinkedLRUCache",
    "hit_rate",
    "hit_rate_curves",
]
