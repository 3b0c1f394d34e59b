"""One retry core: composable stop and wait policies, one state, one decision step, two loops.

The shape is tenacity's. After each failed attempt the loop builds a :class:`RetryState` and asks
a *policy*, any callable ``state -> seconds | None``. :class:`RetryPolicy` is the usual one; it
bundles three small parts, each a pure function of the state and testable alone::

    policy = RetryPolicy(
        stop=stop_after_attempt(5) | stop_after_delay(20),  # when to give up
        wait=wait_full_jitter(initial=0.5, maximum=8),  # how long to pause
        retry=retry_if_exception_type(ConnectionError),  # which errors are worth it
    )
    retry_call(connect, policy, clock=FakeClock(), rng=random.Random(7))

Randomness enters through the state: the loop draws ``state.jitter`` (uniform in ``[0, 1)``)
from its ``rng``, so a jittered policy gives the same answer for the same state and a seeded
``rng`` replays a run. Time and sleep are injected (``clock=``, ``sleep=``): tests pass a
``FakeClock`` or ``sleep=waits.append`` and never wait. A stated cap is a promise: a sum of waits
never exceeds the ``maximum`` that any of its parts states.

``policies.py`` holds the state, the policies and the decision step; ``loops.py`` the loops.
This package imports only the standard library, :mod:`tarento_lib.clock` and
:mod:`tarento_lib._validate`.
"""

from tarento_lib.retry.loops import (
    Attempt,
    OnRetry,
    RetryError,
    Retrying,
    RetryOptions,
    aretry_call,
    retry_call,
)
from tarento_lib.retry.policies import (
    Policy,
    RetryPolicy,
    RetryState,
    StopPolicy,
    WaitPolicy,
    decide,
    retry_if_exception_type,
    stop_after_attempt,
    stop_after_delay,
    stop_never,
    wait_exponential,
    wait_fixed,
    wait_full_jitter,
    wait_none,
    wait_random,
)

__all__ = [
    "Attempt",
    "OnRetry",
    "Policy",
    "RetryError",
    "RetryOptions",
    "RetryPolicy",
    "RetryState",
    "Retrying",
    "StopPolicy",
    "WaitPolicy",
    "aretry_call",
    "decide",
    "retry_call",
    "retry_if_exception_type",
    "stop_after_attempt",
    "stop_after_delay",
    "stop_never",
    "wait_exponential",
    "wait_fixed",
    "wait_full_jitter",
    "wait_none",
    "wait_random",
]
