"""The interview answers of Q6-Q11, beyond what their exercise suites grade.

Q6's fallback read and writes through ``httpx.ASGITransport`` on in-memory SQLite; Q7's retry
and failover with fake engines, a fake clock and recorded sleeps; Q8's backoff cap on virtual
time; Q9's HTTP round trip and resume on a temporary directory; Q10's fixes one by one; Q11's
repository, transaction and retry decorator. Nothing here sleeps for real.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import hashlib
import itertools
import json
import logging
import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import String, event, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.pool import StaticPool

from tarento_lib.answers import (
    q06_content_api,
    q07_session_retry,
    q08_job_queue,
    q09_uploads,
    q10_user_manager,
    q11_patterns,
)
from tarento_lib.clock import FakeClock
from tarento_lib.virtual_time import run_virtual


def memory_engine() -> AsyncEngine:
    """One in-memory SQLite database shared by every session of the engine."""
    return create_async_engine("sqlite+aiosqlite://", poolclass=StaticPool)


# -- Q6: the content API ---------------------------------------------------------------------


@pytest_asyncio.fixture
async def content_api() -> AsyncIterator[tuple[httpx.AsyncClient, AsyncEngine]]:
    engine = memory_engine()
    await q06_content_api.create_tables(engine)
    app = q06_content_api.create_app(engine)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://lab") as client:
        yield client, engine
    await engine.dispose()


async def put(client: httpx.AsyncClient, key: str, lang: str, status: str) -> httpx.Response:
    body = {"title": f"{key} in {lang}", "body": f"text in {lang}", "status": status}
    return await client.put(f"/contents/{key}/translations/{lang}", json=body)


async def served(client: httpx.AsyncClient, key: str, **params: str) -> Any:
    response = await client.get(f"/contents/{key}", params=params)
    return response.status_code, response.json()


@pytest.mark.asyncio
async def test_q06_read_follows_requested_then_fallback_then_english(content_api: Any) -> None:
    client, _ = content_api
    for lang, status in (("en", "published"), ("hi", "published"), ("mr", "draft")):
        assert (await put(client, "faq.refund", lang, status)).status_code == 200
    cases = {
        ("hi", None): "hi",
        ("mr", "hi"): "hi",  # Marathi is only a draft: the fallback is served
        ("mr", None): "en",
        ("ta", "bn"): "en",
        ("en", "hi"): "en",
    }
    for (lang, fallback), expected in cases.items():
        params = {"lang": lang} | ({"fallback": fallback} if fallback else {})
        status, body = await served(client, "faq.refund", **params)
        assert (status, body["language"], body["requested"]) == (200, expected, lang)
        assert body["title"] == f"faq.refund in {expected}"


@pytest.mark.asyncio
async def test_q06_publishing_a_draft_makes_it_served(content_api: Any) -> None:
    client, _ = content_api
    await put(client, "home.welcome", "ta", "draft")
    status, body = await served(client, "home.welcome", lang="ta")
    assert status == 404 and "no published text" in body["detail"]
    await put(client, "home.welcome", "ta", "published")
    status, body = await served(client, "home.welcome", lang="ta")
    assert (status, body["language"]) == (200, "ta")


@pytest.mark.asyncio
async def test_q06_one_statement_per_read(content_api: Any) -> None:
    client, engine = content_api
    await put(client, "faq.refund", "en", "published")
    statements: list[str] = []

    def listener(*args: Any) -> None:
        statements.append(args[2])

    event.listen(engine.sync_engine, "before_cursor_execute", listener)
    try:
        status, _ = await served(client, "faq.refund", lang="hi", fallback="mr")
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", listener)
    assert status == 200
    assert len(statements) == 1, statements


@pytest.mark.asyncio
async def test_q06_client_mistakes_are_4xx_with_a_detail(content_api: Any) -> None:
    client, _ = content_api
    assert (await served(client, "no.such.key"))[0] == 404
    assert (await served(client, "faq.refund", lang="xx"))[0] == 422
    assert (await client.get("/contents/BAD KEY")).status_code == 422
    bad = await client.put("/contents/a.b/translations/hi", json={"title": "", "body": "x"})
    assert bad.status_code == 422
    bad = await client.put(
        "/contents/a.b/translations/hi", json={"title": "t", "body": "b", "status": "live"}
    )
    assert bad.status_code == 422 and "detail" in bad.json()


@pytest.mark.asyncio
async def test_q06_soft_deleted_content_is_gone(content_api: Any) -> None:
    client, engine = content_api
    await put(client, "faq.refund", "en", "published")
    await put(client, "faq.refund", "hi", "draft")
    languages = await client.get("/contents/faq.refund/languages")
    assert languages.json() == [{"code": "en", "name": "English", "native_name": "English"}]
    async with AsyncSession(engine) as session:
        content = await session.scalar(select(q06_content_api.Content))
        assert content is not None
        content.deleted_at = datetime(2026, 1, 1, tzinfo=UTC)
        await session.commit()
    assert (await served(client, "faq.refund"))[0] == 404
    assert (await client.get("/contents/faq.refund/languages")).status_code == 404
    assert (await put(client, "faq.refund", "en", "published")).status_code == 409


def test_q06_openapi_declares_the_parameters_and_the_response() -> None:
    spec = q06_content_api.create_app(memory_engine()).openapi()
    read = spec["paths"]["/contents/{content_key}"]["get"]
    assert [(p["name"], p["in"]) for p in read["parameters"]] == [
        ("content_key", "path"),
        ("lang", "query"),
        ("fallback", "query"),
    ]
    assert len(spec["components"]["schemas"]["Language"]["enum"]) == 23
    ok = read["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok == {"$ref": "#/components/schemas/LocalizedContent"}


# -- Q7: sessions with retry and failover ----------------------------------------------------


class DownEngine:
    """An engine whose first ``failures`` connects raise ``error``; then it is ``healthy``."""

    def __init__(self, healthy: AsyncEngine, failures: int, error: Exception | None = None) -> None:
        self.healthy, self.failures, self.calls = healthy, failures, 0
        self.error = error or ConnectionRefusedError("primary is down")

    async def connect(self) -> Any:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error
        return await self.healthy.connect()


def database(primary: Any, replica: Any = None, *, step: float = 0.0) -> Any:
    """A Database whose sleeps are recorded on a fake clock (``step`` s pass per connect)."""
    clock, slept = FakeClock(), []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.advance(seconds + step)

    db = q07_session_retry.Database(
        primary, replica, sleep=sleep, now=clock.now, rng=random.Random(3)
    )
    return db, slept


async def one(session: AsyncSession) -> int:
    return (await session.execute(text("SELECT 1"))).scalar_one()


@pytest.mark.asyncio
async def test_q07_reads_fail_over_to_the_replica_at_once() -> None:
    replica = memory_engine()
    primary = DownEngine(memory_engine(), failures=99)
    db, slept = database(primary, replica)
    async with db.session(readonly=True) as session:
        assert await one(session) == 1
    assert (primary.calls, slept) == (1, [])
    await replica.dispose()


@pytest.mark.asyncio
async def test_q07_writes_wait_for_the_primary_with_capped_jittered_backoff() -> None:
    healthy = memory_engine()
    primary = DownEngine(healthy, failures=3)
    db, slept = database(primary, memory_engine())
    async with db.session() as session:
        assert await one(session) == 1
    assert primary.calls == 4 and len(slept) == 3
    assert all(0 <= wait <= min(8.0, 2.0**n) for n, wait in enumerate(slept))
    await healthy.dispose()


@pytest.mark.asyncio
async def test_q07_gives_up_after_six_attempts_or_thirty_seconds() -> None:
    primary = DownEngine(memory_engine(), failures=99)
    db, slept = database(primary)
    with pytest.raises(ConnectionRefusedError):
        async with db.session():
            pass
    assert (primary.calls, len(slept)) == (6, 5)
    slow = DownEngine(memory_engine(), failures=99)
    db, slept = database(slow, step=10.0)  # 10 s pass with every attempt
    with pytest.raises(ConnectionRefusedError):
        async with db.session():
            pass
    assert slow.calls == 4  # 30 s have passed after the fourth attempt


@pytest.mark.asyncio
async def test_q07_a_bug_is_never_retried_nor_failed_over() -> None:
    primary = DownEngine(memory_engine(), failures=1, error=ValueError("bad DSN option"))
    replica = DownEngine(memory_engine(), failures=0)
    db, slept = database(primary, replica)
    with pytest.raises(ValueError, match="bad DSN"):
        async with db.session(readonly=True):
            pass
    assert (primary.calls, replica.calls, slept) == (1, 0, [])


@pytest.mark.asyncio
async def test_q07_the_connection_goes_back_to_the_pool(tmp_path: Path) -> None:
    engine = q07_session_retry.pooled_engine(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}")
    assert (engine.pool.size(), engine.pool.timeout()) == (10, 5)
    db, _ = database(engine)
    async with db.session() as session:
        await session.execute(text("CREATE TABLE t (x INTEGER)"))
        await session.execute(text("INSERT INTO t VALUES (7)"))
        await session.commit()
        assert engine.pool.checkedout() == 1
    assert engine.pool.checkedout() == 0
    async with db.session(readonly=True) as session:
        assert (await session.execute(text("SELECT x FROM t"))).scalar_one() == 7
    await engine.dispose()


def test_q07_transient_errors() -> None:
    transient = q07_session_retry.is_transient
    assert transient(ConnectionResetError()) and transient(TimeoutError())
    assert not transient(ValueError()) and not transient(KeyError("id"))


# -- Q8: the job queue ------------------------------------------------------------------------


def test_q08_job_is_a_slotted_dataclass_and_entries_order_by_priority() -> None:
    job = q08_job_queue.Job(print, (), 5, 0, None)
    assert dataclasses.is_dataclass(job) and not hasattr(job, "__dict__")
    with pytest.raises(ValueError):
        q08_job_queue.JobQueue(workers=0)
    with pytest.raises(ValueError):
        q08_job_queue.JobQueue(backoff=10, max_backoff=1)


def test_q08_backoff_is_jittered_and_capped_on_virtual_time() -> None:
    starts: list[float] = []

    async def always_fails() -> None:
        starts.append(asyncio.get_running_loop().time())
        raise RuntimeError("down")

    async def main() -> tuple[Any, dict[str, int]]:
        q = q08_job_queue.JobQueue(workers=1, backoff=1.0, max_backoff=4.0, rng=random.Random(5))
        await q.start()
        job = await q.enqueue(always_fails, max_retries=6)
        with pytest.raises(RuntimeError, match="down"):
            await q.result(job)
        await q.stop()
        return q.status(job), q.stats()

    status, stats = run_virtual(main())
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert status == "failed" and len(starts) == 7
    assert all(0 <= gap <= min(4.0, 2.0**n) for n, gap in enumerate(gaps)), gaps
    assert stats["failed"] == 1 and stats["completed"] == 0


def test_q08_result_of_a_cancelled_job_raises_cancelled() -> None:
    async def main() -> None:
        q = q08_job_queue.JobQueue(workers=1)
        job = await q.enqueue(asyncio.sleep, 1)  # not started: it stays queued
        assert q.cancel(job) is True and q.cancel(job) is False
        with pytest.raises(asyncio.CancelledError):
            await q.result(job)
        with pytest.raises(KeyError):
            q.cancel("no-such-job")

    run_virtual(main())


# -- Q9: uploads ------------------------------------------------------------------------------

DATA = random.Random(9).randbytes(10240)  # chunks of 4,096 bytes: 4096, 4096 and 2048 long
CHUNK = 4096


def md5_header(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data).digest()).decode()


def piece(index: int) -> bytes:
    return DATA[index * CHUNK : (index + 1) * CHUNK]


@pytest_asyncio.fixture
async def upload_client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    uploads = q09_uploads.LocalUploads(chunk_size=CHUNK, max_size=1 << 20, root=tmp_path)
    transport = httpx.ASGITransport(app=q09_uploads.create_app(uploads))
    async with httpx.AsyncClient(transport=transport, base_url="http://lab") as client:
        yield client


async def send(client: httpx.AsyncClient, uid: str, index: int, data: bytes) -> httpx.Response:
    headers = {"Content-MD5": md5_header(data), "Content-Type": "application/octet-stream"}
    return await client.put(f"/uploads/{uid}/chunks/{index}", content=data, headers=headers)


@pytest.mark.asyncio
async def test_q09_round_trip_over_http(upload_client: httpx.AsyncClient) -> None:
    created = await upload_client.post("/uploads", json={"filename": "report.pdf", "size": 10240})
    assert created.status_code == 201
    uid = created.json()["upload_id"]
    for index in (2, 0):
        assert (await send(upload_client, uid, index, piece(index))).status_code == 204
    status = (await upload_client.get(f"/uploads/{uid}")).json()
    assert (status["received"], status["missing"]) == ([0, 2], [1])
    assert (await upload_client.post(f"/uploads/{uid}/complete")).status_code == 409
    assert (await send(upload_client, uid, 1, piece(1))).status_code == 204
    done = (await upload_client.post(f"/uploads/{uid}/complete")).json()
    assert done == {
        "filename": "report.pdf",
        "size": len(DATA),
        "sha256": hashlib.sha256(DATA).hexdigest(),
        "download_url": f"http://lab/uploads/{uid}/file",
    }
    download = await upload_client.get(done["download_url"])
    assert download.content == DATA
    assert "report.pdf" in download.headers["content-disposition"]


@pytest.mark.asyncio
async def test_q09_errors_are_4xx_and_never_name_a_python_class(
    upload_client: httpx.AsyncClient,
) -> None:
    uid = (await upload_client.post("/uploads", json={"filename": "a.bin", "size": 10240})).json()[
        "upload_id"
    ]
    await send(upload_client, uid, 0, piece(0))
    wrong_md5 = await upload_client.put(
        f"/uploads/{uid}/chunks/1",
        content=piece(1),
        headers={"Content-MD5": hashlib.md5(piece(1)).hexdigest()},
    )
    responses = {
        "unknown upload": (await upload_client.get("/uploads/feedface"), 404),
        "hex Content-MD5": (wrong_md5, 400),
        "short chunk": (await send(upload_client, uid, 1, b"abc"), 400),
        "index out of range": (await send(upload_client, uid, 3, b"x"), 400),
        "other bytes for chunk 0": (await send(upload_client, uid, 0, piece(1)), 409),
        "path as filename": (
            await upload_client.post("/uploads", json={"filename": "../x", "size": 1}),
            400,
        ),
        "too big": (
            await upload_client.post("/uploads", json={"filename": "x", "size": 1 << 21}),
            400,
        ),
        "negative size": (
            await upload_client.post("/uploads", json={"filename": "x", "size": -1}),
            422,
        ),
        "no such download": (await upload_client.get(f"/uploads/{uid}/file"), 404),
    }
    for what, (response, expected) in responses.items():
        assert response.status_code == expected, what
        assert "detail" in response.json(), what
        for name in ("Error", "Exception", "UploadNotFound", "InvalidUpload", "Conflict"):
            assert name not in response.text, (what, response.text)
    assert (await upload_client.delete(f"/uploads/{uid}")).status_code == 204
    assert (await upload_client.delete(f"/uploads/{uid}")).status_code == 404


def test_q09_resumes_after_a_restart_and_a_cut_mid_chunk(tmp_path: Path) -> None:
    first = q09_uploads.LocalUploads(chunk_size=CHUNK, max_size=1 << 20, root=tmp_path)
    uid = first.initiate("video.mp4", len(DATA))
    first.put_chunk(uid, 0, piece(0))
    (tmp_path / uid / "1.cut.tmp").write_bytes(piece(1)[:100])  # a body cut after 100 bytes
    restarted = q09_uploads.LocalUploads(chunk_size=CHUNK, max_size=1 << 20, root=tmp_path)
    assert restarted.status(uid)["missing"] == [1, 2]
    for index in (1, 2):
        restarted.put_chunk(uid, index, piece(index), md5_header(piece(index)))
    assert restarted.complete(uid).read_bytes() == DATA
    with pytest.raises(LookupError):
        restarted.put_chunk(uid, 0, piece(0))
    assert json.loads((tmp_path / uid / "done.json").read_text())["filename"] == "video.mp4"


def test_q09_default_root_is_a_temporary_directory_removed_with_the_object() -> None:
    uploads = q09_uploads.LocalUploads(chunk_size=4, max_size=10)
    root = uploads.root
    assert root.is_dir()
    del uploads
    assert not root.exists()


# -- Q10: the fixed UserManager --------------------------------------------------------------


class FakeUsers:
    """``db.query`` over three user rows; counts how many queries run at once."""

    def __init__(self, failing: frozenset[int] = frozenset()) -> None:
        self.rows = [{"id": i, "name": f"user{i}", "password": f"secret{i}"} for i in range(30)]
        self.failing, self.in_flight, self.peak = failing, 0, 0

    async def query(self, sql: str, *params: Any) -> list[dict[str, Any]]:
        if params and params[0] in self.failing:
            raise ConnectionResetError(f"lost the connection on user {params[0]}")
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        await asyncio.sleep(1)
        self.in_flight -= 1
        return self.rows if sql.startswith("SELECT") else []


def test_q10_users_are_copied_without_secrets_and_per_instance() -> None:
    db = FakeUsers()
    first, second = q10_user_manager.UserManager(db), q10_user_manager.UserManager(db)
    users = run_virtual(first.get_users())
    assert all("password" not in user for user in users)
    assert db.rows[0]["password"] == "secret0"
    first.users.append(users[0])
    assert second.users == []


def test_q10_stats_have_the_same_keys_for_every_input() -> None:
    stats = q10_user_manager.UserManager(FakeUsers()).calculate_stats
    assert stats([]) == {"count": 0, "total": 0.0, "average": None, "min": None, "max": None}
    assert stats([2, 4]) == {"count": 2, "total": 6.0, "average": 3.0, "min": 2, "max": 4}


def test_q10_processing_is_concurrent_bounded_and_reports_failures(
    caplog: pytest.LogCaptureFixture,
) -> None:
    db = FakeUsers(failing=frozenset({7}))
    manager = q10_user_manager.UserManager(db, max_concurrency=5)

    async def main() -> tuple[Any, float]:
        start = asyncio.get_running_loop().time()
        outcome = await manager.process_users()
        return outcome, asyncio.get_running_loop().time() - start

    with caplog.at_level(logging.WARNING):
        (results, failed), seconds = run_virtual(main())
    assert len(results) == 29 and list(failed) == [7]
    assert db.peak == 5
    assert seconds == 1 + 6  # one read, then 29 lookups five at a time
    assert "user 7" in caplog.text
    with pytest.raises(ValueError):
        q10_user_manager.UserManager(db, max_concurrency=0)


# -- Q11: patterns ----------------------------------------------------------------------------


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(100), unique=True)


@pytest_asyncio.fixture
async def user_session() -> AsyncIterator[AsyncSession]:
    engine = memory_engine()
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    async with AsyncSession(engine, expire_on_commit=False) as session:
        yield session
    await engine.dispose()


@pytest.mark.asyncio
async def test_q11_repository_reads_writes_and_names_its_errors(
    user_session: AsyncSession,
) -> None:
    users = q11_patterns.Repository(user_session, User)
    async with q11_patterns.transaction(user_session):
        for email in ("c@x.in", "a@x.in", "b@x.in"):
            await users.add(User(email=email))
    assert [u.email for u in await users.find_many(limit=2, offset=1)] == ["a@x.in", "b@x.in"]
    assert (await users.get_or_raise(1)).email == "c@x.in"
    with pytest.raises(q11_patterns.NotFoundError) as missing:
        await users.get_or_raise(99)
    assert (missing.value.code, missing.value.details) == ("not_found", {"id": 99})
    with pytest.raises(q11_patterns.ConflictError) as duplicate:
        async with q11_patterns.transaction(user_session):
            await users.add(User(email="a@x.in"))
    assert duplicate.value.__cause__ is not None
    assert len(await users.find_many()) == 3
    with pytest.raises(ValueError):
        await users.find_many(limit=0)


@pytest.mark.asyncio
async def test_q11_transaction_rolls_back_on_cancellation(user_session: AsyncSession) -> None:
    async def cancelled_midway() -> None:
        async with q11_patterns.transaction(user_session):
            user_session.add(User(email="half@x.in"))
            await user_session.flush()
            raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        await cancelled_midway()
    assert await q11_patterns.Repository(user_session, User).find_many() == []


def test_q11_retry_waits_with_capped_full_jitter_and_gives_up() -> None:
    waits: list[float] = []
    calls: list[int] = []

    @q11_patterns.retry(attempts=5, base=1.0, cap=3.0, rng=random.Random(2), sleep=waits.append)
    def flaky() -> str:
        calls.append(1)
        if len(calls) < 5:
            raise ConnectionError("reset")
        return "ok"

    assert flaky() == "ok" and len(calls) == 5
    assert len(waits) == 4 and all(0 <= w <= min(3.0, 2.0**n) for n, w in enumerate(waits))

    @q11_patterns.retry(attempts=3, sleep=waits.append)
    def bug() -> None:
        calls.append(1)
        raise KeyError("id")

    calls.clear()
    with pytest.raises(KeyError):
        bug()
    assert len(calls) == 1
    with pytest.raises(ValueError):
        q11_patterns.retry(attempts=0)


def test_q11_retry_keeps_async_functions_async() -> None:
    waits: list[float] = []

    async def asleep(seconds: float) -> None:
        waits.append(seconds)

    @q11_patterns.retry(attempts=2, rng=random.Random(1), asleep=asleep)
    async def always_down() -> None:
        raise TimeoutError("still down")

    with pytest.raises(TimeoutError):
        asyncio.run(always_down())
    assert len(waits) == 1 and always_down.__name__ == "always_down"
