"""What every limiter answers: one :class:`Decision` per request, plus the HTTP headers for it."""

from __future__ import annotations

import functools
import math
from typing import NamedTuple

__all__ = ["EPSILON", "Decision", "new_decision"]

# Time comparisons allow this much float slack (1 ns), so that waiting exactly
# ``retry_after`` seconds is always enough, whatever the rounding of ``now + retry_after``.
EPSILON = 1e-9


class Decision(NamedTuple):
    """The answer to one request (or one ``peek``).

    ``retry_after`` is the number of seconds until this same request would be allowed
    (0 when it is allowed); ``reset_after`` the seconds until the key is back to its full
    allowance. ``fallback`` is True when the store failed and the ``on_error`` policy decided.
    (A named tuple: immutable and cheap to build on the hot path.)
    """

    allowed: bool
    limit: int
    remaining: int
    retry_after: float
    reset_after: float
    fallback: bool = False

    @property
    def retry_after_seconds(self) -> int:
        """``retry_after`` rounded up to whole seconds,
        as HTTP's ``Retry-After`` wants (never rounds down)."""
        return 0 if self.allowed else max(1, math.ceil(self.retry_after - EPSILON))

    def headers(self) -> dict[str, str]:
        """``RateLimit-Limit``/``-Remaining``/``-Reset`` as in revision 06 of the IETF draft
        (draft-ietf-httpapi-ratelimit-headers-06), plus ``Retry-After`` when denied.

        Later revisions (07 onwards) replace the three fields with two structured ones,
        ``RateLimit-Policy`` and ``RateLimit``; many servers and clients still use these.
        """
        headers = {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(math.ceil(self.reset_after - EPSILON)),
        }
        if not self.allowed:
            headers["Retry-After"] = str(self.retry_after_seconds)
        return headers


# : ``new_decision((allowed, limit, remaining, retry_after, reset_after, fallback))``, all six
# fields:
#: the hot paths build their Decision with this C-level call rather than the named tuple's Python
#: ``__new__`` (half the cost, on every request).
new_decision = functools.partial(tuple.__new__, Decision)
