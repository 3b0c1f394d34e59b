"""The notebook's experiments and the benchmark helpers: deterministic and shaped as claimed."""

from __future__ import annotations

import pytest

from tarento_lib.jobs import simulate
from tarento_lib.jobs.benchmark import bare_rate, jobqueue_rate, polling_rate


def test_timeline_run_is_deterministic_and_complete() -> None:
    first, second = simulate.timeline_run(seed=3), simulate.timeline_run(seed=3)
    assert first.spans == second.spans
    assert all(info.status == "completed" for info in first.jobs)
    assert len(first.spans) == sum(info.attempts for info in first.jobs)


@pytest.mark.parametrize("workers", [1, 2, 4, 8])
def test_throughput_model(workers: int) -> None:
    assert simulate.throughput(workers, kind="io") == 10 * workers
    assert simulate.throughput(workers, kind="cpu-threads") == 10
    assert simulate.throughput(workers, kind="cpu-processes") == 10 * min(workers, 4)


def test_throughput_rejects_unknown_kind() -> None:
    with pytest.raises(ValueError, match="kind"):
        simulate.throughput(1, kind="gpu")


def test_high_priorities_wait_less_under_load() -> None:
    waits = simulate.latency_by_priority(workers=2, load=0.9, duration=300)
    assert waits[10] < waits[5] < waits[1]


def test_real_cpu_rate_in_threads_runs() -> None:
    assert simulate.real_cpu_rate(1, pool="threads", n_jobs=2, size=1000) > 0
    with pytest.raises(ValueError, match="pool"):
        simulate.real_cpu_rate(1, pool="gpus")


def test_benchmark_variants_run_every_job() -> None:
    for rate in (jobqueue_rate(200), bare_rate(200), polling_rate(200)):
        assert rate > 0
    assert simulate.cpu_burn(10) == sum(i * i % 7 for i in range(10))
