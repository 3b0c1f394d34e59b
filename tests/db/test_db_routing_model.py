"""Model-based test of routing and failover: the manager against a plain model of who is up."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, rule

from tarento_lib.clock import FakeClock
from tarento_lib.db import ConnectionManager, DatabaseUnavailable
from tarento_lib.retry import RetryPolicy, stop_after_attempt

NODES = ("primary", "replica1", "replica2")


class Routing(RuleBasedStateMachine):
    """Nodes go down and come back; every read and write must land where the model says."""

    def __init__(self) -> None:
        super().__init__()
        self.runner = asyncio.Runner()
        self.directory = tempfile.TemporaryDirectory()
        urls = [f"sqlite+aiosqlite:///{Path(self.directory.name) / name}.db" for name in NODES]
        self.manager = ConnectionManager(
            urls[0],
            urls[1:],
            clock=FakeClock(),
            health_interval=None,
            failure_threshold=10_000,
            retry=RetryPolicy(stop=stop_after_attempt(1)),
        )
        self.up = dict.fromkeys(NODES, True)
        self.turn = 0

    def expected(self, read_only: bool) -> str | None:
        if not read_only:
            candidates = ["primary"]
        else:
            replicas = ["replica1", "replica2"]
            start = self.turn % 2
            self.turn += 1
            candidates = [*replicas[start:], *replicas[:start], "primary"]
        return next((name for name in candidates if self.up[name]), None)

    async def served(self, read_only: bool) -> str | None:
        try:
            async with self.manager.session(read_only=read_only) as session:
                return session.info["node"]
        except DatabaseUnavailable:
            return None

    @rule(node=st.sampled_from(NODES))
    def take_down(self, node: str) -> None:
        self.manager.faults(node).down()
        self.up[node] = False

    @rule(node=st.sampled_from(NODES))
    def bring_back(self, node: str) -> None:
        self.manager.faults(node).clear()
        self.up[node] = True

    @rule(read_only=st.booleans())
    def session(self, read_only: bool) -> None:
        expected = self.expected(read_only)
        assert self.runner.run(self.served(read_only)) == expected

    def teardown(self) -> None:
        self.runner.run(self.manager.close())
        self.runner.close()
        self.directory.cleanup()


Routing.TestCase.settings = settings(max_examples=25, stateful_step_count=20, deadline=None)
test_routing_follows_the_model = Routing.TestCase
