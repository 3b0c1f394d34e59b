"""Property tests: virtual time keeps concurrency exact; the fixed manager's bound always holds."""

from __future__ import annotations

import asyncio
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from tarento_lib.review import fixed
from tarento_lib.review.database import InMemoryUserDB, sample_users
from tarento_lib.virtual_time import run_virtual

delays = st.lists(st.integers(0, 1000).map(lambda ms: ms / 1000), min_size=1, max_size=12)


@given(delays)
def test_gather_takes_the_longest_and_a_loop_the_sum(sleeps: list[float]) -> None:
    async def main() -> tuple[float, float]:
        loop = asyncio.get_running_loop()
        start = loop.time()
        await asyncio.gather(*(asyncio.sleep(s) for s in sleeps))
        middle = loop.time()
        for s in sleeps:
            await asyncio.sleep(s)
        return middle - start, loop.time() - middle

    together, one_by_one = run_virtual(main())
    assert math.isclose(together, max(sleeps), abs_tol=1e-9)
    assert math.isclose(one_by_one, sum(sleeps), abs_tol=1e-9)


@settings(max_examples=40, deadline=None)
@given(
    users=st.integers(0, 60),
    bound=st.integers(1, 16),
    failing=st.sets(st.integers(1, 60), max_size=5),
)
def test_fixed_batch_is_bounded_complete_and_timed(
    users: int, bound: int, failing: set[int]
) -> None:
    db = InMemoryUserDB(rows=sample_users(users), latency=0.01)
    for user_id in failing:
        db.fail(user_id, RuntimeError(f"user {user_id}"))
    report = run_virtual(fixed.UserManager(db, max_concurrency=bound).process_users())
    failed = {u for u in failing if u <= users}
    assert set(report.failed) == failed
    assert sorted(r["user_id"] for r in report.processed) == [
        u for u in range(1, users + 1) if u not in failed
    ]
    assert db.peak_concurrency <= max(bound, 1)
    assert math.isclose(db.elapsed(), 0.01 * (1 + math.ceil(users / bound)), abs_tol=1e-9)
