"""Rate limiting (questions 2 and 5): five strategies over a memory or Redis store.

>>> from tarento_lib.clock import FakeClock
>>> limiter = SlidingLog(2, 10.0, clock=FakeClock())
>>> [limiter.hit("ana").allowed for _ in range(3)]
[True, True, False]
"""

from tarento_lib.ratelimit.base import MAX_LIMIT, ON_ERROR_POLICIES, RateLimiter
from tarento_lib.ratelimit.decision import Decision
from tarento_lib.ratelimit.errors import ConfigurationError, RateLimitExceeded, StorageError
from tarento_lib.ratelimit.storage import (
    REDIS_TIMEOUT,
    AsyncStorage,
    Storage,
    async_redis_from_env,
    redis_from_env,
    store_from_url,
)
from tarento_lib.ratelimit.storage.memory import MemoryStore
from tarento_lib.ratelimit.storage.redis import AsyncRedisStore, RedisStore
from tarento_lib.ratelimit.strategies import (
    STRATEGIES,
    FixedWindow,
    LeakyBucket,
    SlidingLog,
    SlidingWindowCounter,
    TokenBucket,
)

__all__ = [
    "MAX_LIMIT",
    "ON_ERROR_POLICIES",
    "REDIS_TIMEOUT",
    "STRATEGIES",
    "AsyncRedisStore",
    "AsyncStorage",
    "ConfigurationError",
    "Decision",
    "FixedWindow",
    "LeakyBucket",
    "MemoryStore",
    "RateLimitExceeded",
    "RateLimiter",
    "RedisStore",
    "SlidingLog",
    "SlidingWindowCounter",
    "Storage",
    "StorageError",
    "TokenBucket",
    "async_redis_from_env",
    "redis_from_env",
    "store_from_url",
]
