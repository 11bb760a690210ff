#!/usr/bin/env python3
"""Run the demo's three processes together: the web server (gunicorn), a Celery worker and
Celery beat. Their output is interleaved line by line behind a name prefix. Ctrl-C or SIGTERM
stops all three; so does any one of them exiting.

Started by scripts/demo after the database is ready; run it with the project's virtualenv
Python (.venv/bin/python scripts/run_demo.py --help).
"""

from __future__ import annotations

import argparse
import os
import selectors
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STOP_GRACE_SECONDS = 20
READY_TIMEOUT_SECONDS = 90
COLOURS = {"web": "\033[36m", "worker": "\033[33m", "beat": "\033[35m", "demo": "\033[32m"}
RESET = "\033[0m"


def _die_with_parent() -> None:
    """Linux: the child gets SIGTERM if this runner dies without cleaning up (kill -9)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class Runner:
    def __init__(self, commands: list[tuple[str, list[str]]], colour: bool) -> None:
        self.commands = commands
        self.colour = colour
        self.procs: dict[str, subprocess.Popen] = {}
        self.buffers: dict[str, bytes] = {}
        self.selector = selectors.DefaultSelector()
        self.stop_requested = 0
        self.width = max(len(name) for name, _ in commands + [("demo", [])])

    def say(self, name: str, text: str) -> None:
        prefix = f"{name:<{self.width}} |"
        if self.colour:
            prefix = f"{COLOURS.get(name, '')}{prefix}{RESET}"
        for line in text.splitlines() or [""]:
            sys.stdout.write(f"{prefix} {line}\n")
        sys.stdout.flush()

    def start(self) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        preexec = _die_with_parent if sys.platform.startswith("linux") else None
        for name, argv in self.commands:
            # Each child leads its own process group: Ctrl-C reaches only this runner, which
            # then stops the children in order, and a stubborn child can be killed with its
            # own subprocesses (gunicorn and prefork workers).
            proc = subprocess.Popen(
                argv, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=preexec,
            )
            os.set_blocking(proc.stdout.fileno(), False)
            self.procs[name] = proc
            self.buffers[name] = b""
            self.selector.register(proc.stdout, selectors.EVENT_READ, name)
            self.say("demo", f"started {name} (pid {proc.pid}): {' '.join(argv[1:])}")

    def pump(self, timeout: float) -> list[str]:
        """Copy whatever the children printed; return the complete lines read."""
        lines = []
        for key, _ in self.selector.select(timeout):
            name = key.data
            try:
                chunk = os.read(key.fd, 65536)
            except BlockingIOError:
                continue
            if not chunk:
                self.selector.unregister(key.fileobj)
                chunk = b"\n" if self.buffers[name] else b""
            data = self.buffers[name] + chunk
            *complete, self.buffers[name] = data.split(b"\n")
            for raw in complete:
                line = raw.decode("utf-8", "replace").rstrip("\r")
                self.say(name, line)
                lines.append(f"{name}:{line}")
        return lines

    def exited(self) -> tuple[str, int] | None:
        for name, proc in self.procs.items():
            code = proc.poll()
            if code is not None:
                return name, code
        return None

    def stop(self) -> None:
        for name, proc in self.procs.items():
            if proc.poll() is None:
                # Only the main process: gunicorn and the Celery worker stop their own
                # children, and a worker whose pool children are killed under it hangs.
                self.say("demo", f"stopping {name}")
                proc.terminate()
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        while time.monotonic() < deadline and any(p.poll() is None for p in self.procs.values()):
            if self.stop_requested > 1:
                break
            self.pump(0.1)
        for name, proc in self.procs.items():
            if proc.poll() is None:
                self.say("demo", f"{name} did not stop in time; killing it")
        for proc in self.procs.values():
            # Kill the whole group, so no prefork child or gunicorn worker is left behind.
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            proc.wait()
        self.pump(0)


def _port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def _responds(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=2).close()
    except urllib.error.HTTPError:
        return True  # 401/403 without a login: the server is up
    except OSError:
        return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--web-workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
    parser.add_argument("--worker-concurrency", type=int, default=int(os.environ.get("CELERY_CONCURRENCY", "2")))
    parser.add_argument("--banner", default="", help="A file whose text is shown once the portal is up.")
    args = parser.parse_args()

    if not _port_free(args.host, args.port):
        print(f"Port {args.port} on {args.host} is in use. Stop what runs there, or pick another: PORT=8001 scripts/demo",
              file=sys.stderr)
        return 1

    python = sys.executable
    commands = [
        ("web", [python, "-m", "gunicorn", "cppcc_portal.wsgi", "--bind", f"{args.host}:{args.port}",
                 "--workers", str(args.web_workers), "--access-logfile", "-", "--graceful-timeout", "5",
                 "--no-control-socket"]),
        ("worker", [python, "-m", "celery", "-A", "cppcc_portal", "worker", "--loglevel", "INFO",
                    "--concurrency", str(args.worker_concurrency), "--hostname", "demo-worker@%h",
                    "--without-gossip", "--without-mingle"]),
        # The schedule lives in the database (django_celery_beat); no pid or schedule file.
        ("beat", [python, "-m", "celery", "-A", "cppcc_portal", "beat", "--loglevel", "INFO", "--pidfile="]),
    ]
    runner = Runner(commands, colour=sys.stdout.isatty() and "NO_COLOR" not in os.environ)

    def request_stop(signum, frame) -> None:
        runner.stop_requested += 1

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGHUP, request_stop)

    display_host = f"[{args.host}]" if ":" in args.host else args.host
    url = f"http://{display_host}:{args.port}/"
    runner.start()
    started, announced, web_up, worker_up, status = time.monotonic(), False, False, False, 0
    next_probe = 0.0
    try:
        while not runner.stop_requested:
            for line in runner.pump(0.2):
                if line.startswith("worker:") and " ready." in line:
                    worker_up = True
            ended = runner.exited()
            if ended:
                runner.say("demo", f"{ended[0]} exited with status {ended[1]}; stopping the others")
                status = 1
                break
            if not announced and not web_up and time.monotonic() >= next_probe:
                web_up = _responds(url + "api/v1/")
                next_probe = time.monotonic() + 0.5
            waited = time.monotonic() - started
            if not announced and web_up and (worker_up or waited > READY_TIMEOUT_SECONDS):
                announced = True
                banner = [f"The portal is up: {url}", f"  API: {url}api/v1/  ·  API docs: {url}api/docs/  ·  admin: {url}admin/"]
                if args.banner and os.path.exists(args.banner):
                    banner += ["", *Path(args.banner).read_text(encoding="utf-8").rstrip().splitlines()]
                banner += ["", "Press Ctrl-C to stop the web server, the worker and beat."]
                runner.say("demo", "\n".join(banner))
            elif not announced and waited > READY_TIMEOUT_SECONDS and not web_up:
                runner.say("demo", f"{url} still does not answer after {READY_TIMEOUT_SECONDS}s; see the web log above")
                announced = True
    finally:
        runner.stop()
    runner.say("demo", "stopped")
    return status


if __name__ == "__main__":
    sys.exit(main())
