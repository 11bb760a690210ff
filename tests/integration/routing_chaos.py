"""Real services for the routing chaos tests (tests/integration/test_routing_reliability.py):
a private redis-server that can be stopped and started again on the same port, Celery worker
processes on it, row locks held from another PostgreSQL connection, and the test process's
Celery app pointed at the private broker.

The machine's shared Redis (6379) is never touched: stopping it would disturb everyone else.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import psycopg2
import redis
from django.db import connection

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def wait_until(predicate: Callable[[], object], *, timeout: float, interval: float = 0.1, what: str = "") -> object:
    """Poll ``predicate`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what or predicate}")
        time.sleep(interval)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url(settings_dict: dict) -> str:
    """A DATABASE_URL (django-environ) for the database ``settings_dict`` describes."""
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{quote(settings_dict['NAME'], safe='')}"


def connect(settings_dict: dict):
    """A psycopg2 connection of its own (not Django's), to the same database."""
    return psycopg2.connect(dbname=settings_dict["NAME"], user=settings_dict.get("USER") or None,
                            password=settings_dict.get("PASSWORD") or None,
                            host=settings_dict.get("HOST") or "127.0.0.1", port=settings_dict.get("PORT") or 5432)


class RedisServer:
    """redis-server on a free loopback port, without persistence: a restart loses what was
    queued, as a crashed broker does."""

    def __init__(self, workdir: Path) -> None:
        self.binary = shutil.which("redis-server")
        self.workdir = workdir
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.log = workdir / "redis.log"

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/15"

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, db=15, socket_timeout=2, socket_connect_timeout=2)

    def ping(self) -> bool:
        try:
            return bool(self.client().ping())
        except redis.RedisError:
            return False

    def start(self) -> None:
        assert self.process is None or self.process.poll() is not None, "redis-server is already running"
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                 "--daemonize", "no", "--dir", str(self.workdir)],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        wait_until(self.ping, timeout=10, what=f"redis-server on port {self.port}")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(sig)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        wait_until(lambda: not self.ping(), timeout=5, what="redis-server to stop answering")


class Worker:
    """``celery -A cppcc_portal worker --pool=solo`` on the private broker and the test database."""

    def __init__(self, *, broker_url: str, database: str, workdir: Path, env: dict | None = None) -> None:
        self.name = f"routing-chaos-{uuid.uuid4().hex[:8]}"
        self.log = workdir / f"{self.name}.log"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cppcc_portal.settings.test",
            "DATABASE_URL": database,
            "CELERY_BROKER_URL": broker_url,
            "CPPCC_VAR_DIR": str(workdir / "var"),
            "PYTHONUNBUFFERED": "1",
            **(env or {}),
        }
        self.process: subprocess.Popen | None = None

    def start(self, *, wait: bool = True) -> Worker:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "cppcc_portal", "worker", "--pool=solo", "--loglevel=info",
                 "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"{self.name}@%h"],
                cwd=PROJECT_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        if wait:
            self.wait_for_log(" ready.", timeout=60)
        return self

    def text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def count(self, needle: str) -> int:
        return self.text().count(needle)

    def wait_for_log(self, needle: str, *, timeout: float, times: int = 1) -> None:
        def seen() -> bool:
            if self.process is not None and self.process.poll() is not None:
                raise AssertionError(f"worker exited with {self.process.returncode}:\n{self.text()[-4000:]}")
            return self.count(needle) >= times

        try:
            wait_until(seen, timeout=timeout, what=f"{needle!r} in the worker log")
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n--- worker log ---\n{self.text()[-4000:]}") from None

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Signal the worker's whole process group (solo pool: one process) and reap it."""
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, sig)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        """Warm shutdown, or a kill if it takes too long."""
        self.kill(signal.SIGTERM)


class RowLock:
    """``SELECT … FOR UPDATE`` on one row, held in a transaction of another connection until
    ``release``: whoever locks the row next waits."""

    def __init__(self, settings_dict: dict, table: str, pk: int) -> None:
        self.conn = connect(settings_dict)
        with self.conn.cursor() as cursor:
            cursor.execute(f"SELECT id FROM {table} WHERE id = %s FOR UPDATE", [pk])
            assert cursor.fetchone() == (pk,)
        self.pid = self.conn.get_backend_pid()

    def waiting_backends(self) -> list[int]:
        """Backends of this database waiting for a lock while this one is held: the first
        waits for this transaction, the others queue behind the first for the same row."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                           "AND cardinality(pg_blocking_pids(pid)) > 0 ORDER BY pid")
            return [pid for (pid,) in cursor.fetchall()]

    def release(self) -> None:
        if not self.conn.closed:
            self.conn.rollback()
            self.conn.close()


def terminate_backend(pid: int) -> None:
    """End a server process whose client is gone (a killed worker's, still waiting for a lock)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    wait_until(lambda: not _backend_alive(pid), timeout=10, what=f"backend {pid} to end")


def _backend_alive(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone() is not None


@contextlib.contextmanager
def celery_broker(url: str) -> Iterator[None]:
    """Point the test process's Celery app (the outbox publishes through it) at ``url``."""
    from kombu import pools

    from cppcc_portal.celery import app

    def reset() -> None:
        # kombu keeps connection and producer pools in a process-wide registry keyed by the
        # broker address: close and forget them all, then the app's own references.
        pools.reset()
        app._pool = None
        app.amqp._producer_pool = None

    previous = app.conf.broker_url
    app.conf.broker_url = url
    reset()
    try:
        yield
    finally:
        reset()
        app.conf.broker_url = previous
