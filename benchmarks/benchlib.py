"""What the benchmark scripts share: the environment they run the portal in, starting and
stopping gunicorn and a Celery worker as process groups, a small bounded HTTP load generator
for loopback only, statistics, and where results go.

Every subprocess is started in its own session and killed as a group on exit, so an
interrupted benchmark leaves nothing running.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The checkout gunicorn and the worker run; another one (an older commit, exported) can be
# measured against the same database with BENCH_APP_ROOT.
APP_ROOT = Path(os.environ.get("BENCH_APP_ROOT") or ROOT).resolve()
BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"
BIN = Path(sys.executable).parent

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cppcc_bench"
# A Redis database of its own, so the tests' broker (db 15) and the benchmark never mix.
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/14"
LOOPBACK = "127.0.0.1"


# --- environment ---------------------------------------------------------------------------


def database_url() -> str:
    return os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)


def broker_url() -> str:
    return os.environ.get("BENCH_BROKER_URL", DEFAULT_BROKER_URL)


def _with_conn_max_age(url: str) -> str:
    """Persistent connections, as production has them (base.py sets CONN_MAX_AGE=60, but
    test.py rebuilds DATABASES without it; django-environ reads it from the URL)."""
    parts = urllib.parse.urlsplit(url)
    query = dict(urllib.parse.parse_qsl(parts.query))
    query.setdefault("conn_max_age", "60")
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def check_bench_database(url: str) -> str:
    """The database name; refuses anything not named like a benchmark database, because the
    seed bypasses the services and the benchmarks delete what they created."""
    name = urllib.parse.urlsplit(url).path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(f"refusing to use database {name!r}: its name must contain 'bench' (set DATABASE_URL)")
    return name


def portal_env() -> dict[str, str]:
    """Environment of the portal processes (gunicorn, the Celery worker) and of this one."""
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "cppcc_portal.settings.test"),
        "DATABASE_URL": _with_conn_max_age(database_url()),
        "CELERY_BROKER_URL": broker_url(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(APP_ROOT),
    })
    return env


def setup_django() -> None:
    check_bench_database(database_url())
    os.environ.update(portal_env())
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def migrate_if_needed() -> list[str]:
    """Apply the application's pending migrations to the benchmark database (a benchmark
    of new code on an old schema would measure the wrong indexes); returns what was applied."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    if APP_ROOT != ROOT:  # the checkout under test owns its schema
        return []
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        call_command("migrate", interactive=False, verbosity=0)
    return [f"{m.app_label}.{m.name}" for m, _ in plan]


# --- processes -----------------------------------------------------------------------------


class ProcessGroup:
    """A subprocess in its own session, stopped with its children on ``stop()``."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str]):
        self.name = name
        self.log_path = Path(tempfile.mkstemp(prefix=f"bench-{name}-", suffix=".log")[1])
        self._log = self.log_path.open("wb")
        self.proc = subprocess.Popen(argv, cwd=APP_ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self, timeout: float = 15.0) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        else:
            # the leader is gone; make sure no child of it survives
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.proc.pid, signal.SIGKILL)
        self._log.close()

    def tail(self, lines: int = 30) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def start_gunicorn(workers: int = 2, timeout: float = 60.0,
                   app: str = "cppcc_portal.wsgi:application") -> tuple[ProcessGroup, int]:
    port = free_port()
    argv = [str(BIN / "gunicorn"), app, "--pythonpath", str(BENCH_DIR), "--workers", str(workers),
            "--bind", f"{LOOPBACK}:{port}", "--worker-class", "sync", "--log-level", "warning",
            "--timeout", "60", "--backlog", "512"]
    group = ProcessGroup("gunicorn", argv, portal_env())
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not group.alive():
            raise RuntimeError(f"gunicorn exited:\n{group.tail()}")
        with contextlib.suppress(OSError):
            status, _ = raw_request(port, build_get("/api/v1/health/"), timeout=2)
            if status == 200:
                return group, port
        time.sleep(0.2)
    group.stop()
    raise RuntimeError(f"gunicorn did not answer within {timeout:.0f}s:\n{group.tail()}")


def start_worker(*, concurrency: int = 2, pool: str = "prefork", name: str = "bench") -> ProcessGroup:
    argv = [str(BIN / "celery"), "-A", "cppcc_portal", "worker", f"--pool={pool}", f"--concurrency={concurrency}",
            "--loglevel=WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat",
            "-n", f"{name}@%h"]
    return ProcessGroup("worker", argv, portal_env())


# --- HTTP over loopback, one connection per request -------------------------------------------
# gunicorn's sync workers close the connection after every response, so every request pays a
# TCP connect; a raw socket keeps the generator's own CPU cost low on a 2-core machine.


def build_get(path: str, token: str | None = None) -> bytes:
    head = [f"GET {path} HTTP/1.1", f"Host: {LOOPBACK}", "Accept: application/json", "Connection: close"]
    if token:
        head.append(f"Authorization: Token {token}")
    return ("\r\n".join(head) + "\r\n\r\n").encode()


def build_post(path: str, body: dict, token: str, extra: dict[str, str] | None = None) -> bytes:
    payload = json.dumps(body, ensure_ascii=False).encode()
    head = [f"POST {path} HTTP/1.1", f"Host: {LOOPBACK}", "Accept: application/json", "Connection: close",
            "Content-Type: application/json", f"Content-Length: {len(payload)}", f"Authorization: Token {token}"]
    head += [f"{k}: {v}" for k, v in (extra or {}).items()]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + payload


def raw_request(port: int, request: bytes, timeout: float = 30.0) -> tuple[int, bytes]:
    """Send ``request`` to 127.0.0.1:port and read the whole response: (status, body)."""
    with socket.create_connection((LOOPBACK, port), timeout=timeout) as sock:
        sock.sendall(request)
        chunks = []
        while True:
            data = sock.recv(65536)
            if not data:
                break
            chunks.append(data)
    response = b"".join(chunks)
    head, _, body = response.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/") else 0
    if b"transfer-encoding: chunked" in head.lower():
        body = _dechunk(body)
    return status, body


def _dechunk(body: bytes) -> bytes:
    out, pos = [], 0
    while pos < len(body):
        line_end = body.index(b"\r\n", pos)
        size = int(body[pos:line_end].split(b";")[0], 16)
        if size == 0:
            break
        out.append(body[line_end + 2:line_end + 2 + size])
        pos = line_end + 2 + size + 2
    return b"".join(out)


def get_json(port: int, path: str, token: str | None = None) -> tuple[int, dict]:
    status, body = raw_request(port, build_get(path, token))
    return status, json.loads(body) if body else {}


@dataclass
class LoadResult:
    requests: int = 0
    errors: int = 0
    elapsed: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    bodies: list[bytes] = field(default_factory=list)

    @property
    def throughput(self) -> float:
        return self.requests / self.elapsed if self.elapsed else 0.0

    def summary(self) -> dict:
        return {
            "requests": self.requests, "errors": self.errors, "seconds": round(self.elapsed, 3),
            "rps": round(self.throughput, 1), "p50_ms": round(percentile(self.latencies, 50) * 1000, 2),
            "p95_ms": round(percentile(self.latencies, 95) * 1000, 2),
            "p99_ms": round(percentile(self.latencies, 99) * 1000, 2),
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
        }


def closed_loop(port: int, requests: list[bytes], *, concurrency: int, duration: float, max_requests: int,
                expect: int = 200, keep_bodies: bool = False) -> LoadResult:
    """``concurrency`` clients, each sending the next request as soon as it has its answer,
    for ``duration`` seconds or ``max_requests`` requests, whichever comes first. Requests
    are taken round-robin from ``requests``."""
    result = LoadResult()
    lock = threading.Lock()
    counter = iter(range(max_requests))
    deadline = time.perf_counter() + duration

    def client():
        while time.perf_counter() < deadline:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            started = time.perf_counter()
            try:
                status, body = raw_request(port, requests[n % len(requests)])
            except OSError:
                status, body = 0, b""
            took = time.perf_counter() - started
            with lock:
                result.requests += 1
                result.latencies.append(took)
                result.statuses[status] = result.statuses.get(status, 0) + 1
                if status != expect:
                    result.errors += 1
                if keep_bodies and status == expect:
                    result.bodies.append(body)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(duration + 60)
    result.elapsed = time.perf_counter() - started
    return result


# --- statistics and results ----------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def median(values: list[float]) -> float:
    values = [v for v in values if v == v]  # drop NaN
    return statistics.median(values) if values else float("nan")


def loadavg() -> str:
    with contextlib.suppress(OSError):
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    return ""


def machine() -> dict:
    info = {"nproc": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["memory_gb"] = round(int(line.split()[1]) / 1024 / 1024, 1)
    with contextlib.suppress(OSError):
        info["loadavg_at_start"] = Path("/proc/loadavg").read_text().split()[:3]
    with contextlib.suppress(Exception):
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            info["postgresql"] = cursor.fetchone()[0]
            cursor.execute("SHOW shared_buffers")
            info["pg_shared_buffers"] = cursor.fetchone()[0]
    with contextlib.suppress(Exception):
        import redis

        info["redis"] = redis.Redis.from_url(broker_url()).info("server")["redis_version"]
    with contextlib.suppress(Exception):
        from importlib.metadata import version

        info.update({p: version(p) for p in ("django", "djangorestframework", "celery", "gunicorn")})
    return info


def save_results(name: str, data: dict) -> Path:
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = RESULTS_DIR / f"{name}-{stamp}.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    return path


def markdown_table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)
