"""Hypothesis over scripted scenarios on virtual time:
every job ends in exactly one terminal state."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from tarento_lib.jobs import TERMINAL, JobQueue, QueueClosedError
from tarento_lib.retry import wait_exponential
from tarento_lib.virtual_time import run_virtual


@dataclass(frozen=True)
class Spec:
    at: float  # when it is enqueued
    priority: int
    seconds: float
    failures: int  # how many attempts fail before one succeeds
    max_retries: int
    timeout: float | None


specs = st.builds(
    Spec,
    at=st.sampled_from([0, 0, 0.5, 1, 3]),
    priority=st.integers(1, 10),
    seconds=st.sampled_from([0.25, 1, 2, 5]),
    failures=st.integers(0, 3),
    max_retries=st.integers(0, 3),
    timeout=st.sampled_from([None, None, 1.5, 4]),
)
scenarios = st.fixed_dictionaries(
    {
        "workers": st.integers(1, 4),
        "jobs": st.lists(specs, min_size=1, max_size=14),
        "cancels": st.lists(
            st.tuples(st.sampled_from([0, 0.5, 1, 2, 4, 8]), st.integers(0, 13)), max_size=5
        ),
        "stop_at": st.sampled_from([0, 1, 2.5, 6, 30]),
        "graceful": st.booleans(),
        "stop_timeout": st.sampled_from([None, None, 3.0]),
    }
)


COUNTED = {name: name for name in ("running", "retrying", "completed", "failed", "cancelled")} | {
    "queued": "pending"
}
PROBES = (
    0.25,
    0.75,
    1.25,
    2,
    3.5,
    5,
    8,
    13,
)  # virtual seconds at which play() compares stats() with a recount


def play(scenario: dict) -> dict:
    """Run one scenario; return what every job did."""

    async def main() -> dict:
        loop = asyncio.get_running_loop()
        queue = JobQueue(scenario["workers"], backoff=wait_exponential(0.5, base=2, maximum=4))
        runs: dict[int, int] = {}
        successes: dict[int, int] = {}
        active: set[int] = set()
        ids: dict[int, str] = {}
        cancelled_at: dict[int, tuple[float, int]] = {}

        async def job(i: int, spec: Spec) -> int:
            assert i not in active, f"job {i} running twice at once"
            active.add(i)
            try:
                runs[i] = runs.get(i, 0) + 1
                await asyncio.sleep(spec.seconds)
                if runs[i] <= spec.failures:
                    raise RuntimeError(f"job {i} attempt {runs[i]}")
                successes[i] = successes.get(i, 0) + 1
                return i
            finally:
                active.discard(i)

        async def produce() -> None:
            for i, spec in sorted(enumerate(scenario["jobs"]), key=lambda p: p[1].at):
                await asyncio.sleep(spec.at - loop.time())
                with contextlib.suppress(QueueClosedError):
                    ids[i] = await queue.enqueue(
                        job,
                        i,
                        spec,
                        priority=spec.priority,
                        max_retries=spec.max_retries,
                        timeout=spec.timeout,
                    )

        def cancel(i: int) -> None:
            if i in ids and queue.cancel(ids[i]):
                cancelled_at[i] = (loop.time(), runs.get(i, 0))

        def probe() -> (
            None
        ):  # stats() derives some counts: compare them with a recount of every job
            statuses = [str(queue.status(job_id)) for job_id in ids.values()]
            recount = {name: statuses.count(status) for name, status in COUNTED.items()}
            stats = queue.stats()
            probes.append(
                (
                    {name: stats[name] for name in COUNTED},
                    recount,
                    stats["submitted"],
                    len(statuses),
                )
            )
            busy.append(stats["running"] == stats["busy_workers"] <= stats["workers"])

        probes: list[tuple[dict[str, int], dict[str, int], int, int]] = []
        busy: list[bool] = []
        for when, i in scenario["cancels"]:
            loop.call_later(when, cancel, i)
        for when in PROBES:
            loop.call_later(when, probe)
        await queue.start()
        producer = asyncio.ensure_future(produce())
        await asyncio.sleep(scenario["stop_at"])
        await queue.stop(scenario["graceful"], timeout=scenario["stop_timeout"])
        await producer
        infos = {i: queue.info(job_id) for i, job_id in ids.items()}
        spans = [(a.job_id, a.worker, a.start, a.end, a.outcome) for a in queue.timeline()]
        probe()
        return {
            "infos": infos,
            "runs": runs,
            "successes": successes,
            "cancelled_at": cancelled_at,
            "stats": queue.stats(),
            "spans": spans,
            "probes": probes,
            "busy": busy,
        }

    return run_virtual(main)


@settings(max_examples=150, deadline=None)
@given(scenarios)
def test_every_job_ends_in_exactly_one_terminal_state(scenario: dict) -> None:
    out = play(scenario)
    infos, runs, successes = out["infos"], out["runs"], out["successes"]
    for i, info in infos.items():
        spec = scenario["jobs"][i]
        assert info.status in TERMINAL, (i, info)
        assert successes.get(i, 0) == (info.status == "completed"), (i, info)
        assert info.attempts == runs.get(i, 0) <= spec.max_retries + 1, (i, info)
        if info.status == "failed":
            assert info.attempts == spec.max_retries + 1 and info.error is not None
        if i in out["cancelled_at"]:
            assert info.status == "cancelled"
            assert runs.get(i, 0) == out["cancelled_at"][i][1], "a cancelled job started again"
    stats = out["stats"]
    assert (
        stats["completed"] + stats["failed"] + stats["cancelled"]
        == stats["submitted"]
        == len(infos)
    )
    assert stats["queued"] == stats["running"] == stats["retrying"] == stats["busy_workers"] == 0
    assert stats["free_slots"] == stats["max_size"]


@settings(max_examples=60, deadline=None)
@given(scenarios)
def test_a_graceful_stop_cancels_only_what_was_cancelled(scenario: dict) -> None:
    scenario = {**scenario, "graceful": True, "stop_timeout": None}
    out = play(scenario)
    for i, info in out["infos"].items():
        assert (info.status == "cancelled") == (i in out["cancelled_at"]), (i, info)


@settings(max_examples=60, deadline=None)
@given(scenarios)
def test_workers_run_one_attempt_at_a_time_and_runs_repeat_exactly(scenario: dict) -> None:
    first, second = play(scenario), play(scenario)
    assert first["spans"] == second["spans"]  # virtual time: the same timeline on every run
    by_worker: dict[str, list[tuple[float, float]]] = {}
    for _, worker, start, end, _ in first["spans"]:
        by_worker.setdefault(worker, []).append((start, end))
    for spans in by_worker.values():
        for (_, end), (start, _) in itertools.pairwise(spans):
            assert end <= start


@settings(max_examples=100, deadline=None)
@given(scenarios)
def test_stats_agree_with_a_recount_at_every_moment(scenario: dict) -> None:
    out = play(scenario)
    for counted, recount, submitted, registered in out["probes"]:
        assert counted == recount
        assert (
            submitted == registered
        )  # no job forgotten here: keep_finished is far above the job count
    assert all(out["busy"])
