"""The service under load, measured: a real ``persona serve`` process (embedded worker,
SQLite, local files in a temporary data directory) renders small video jobs while client
threads call the API over loopback, and the same calls are timed with nothing rendering.

    .venv/bin/python benchmarks/service_api.py [--jobs 24] [--threads 4] [--seconds 15]
        [--size 256x256] [--workers 1]

Setup as an operator does it: ``persona users create`` and ``persona keys create --json``
against the data directory, then ``persona serve --host 127.0.0.1 --port <free>
--workers 1``, waiting for ``/health``. One warm-up job renders first (loading the voice
and the avatar) and its id serves the idle baseline's status calls. Then ``--jobs``
generate requests (one sentence, ``template:maya``, ``espeak-en``, ultrafast H.264) are
submitted at once, and ``--threads`` threads, each with its own keep-alive ``httpx``
client, cycle through ``GET /api/v1/status/{id}`` (twice), ``GET /api/v1/jobs`` and
``GET /health`` for ``--seconds``. The per-user rate limit is raised through
``PERSONA_RATE_LIMIT_PER_MINUTE`` so that no call is answered ``429``.

The table: jobs submitted and completed, wall time from submission to the last
completion, jobs per minute, mean running and turnaround time per job, and how many jobs
were not finished when the load stopped (above 0: the renders outlasted the load); per endpoint,
requests, p50, p99 and max latency in ms and errors (a transport error or any answer but
200), idle and under load. Client threads, server and renders share the same cores, so
the figures describe one machine, not the service alone.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.service_jobs import SCRIPT
from tests.unit.service.jobclient import headers, wait_for

PERSONA = str(Path(sys.executable).with_name("persona"))
RATE_LIMIT = 1_000_000
"""Requests per user per minute during the benchmark (the default is 100)."""
ENDPOINTS = ("status", "jobs", "health")
MIX = ("status", "jobs", "status", "health")
FINAL = ("completed", "failed", "cancelled")


@dataclass
class Samples:
    """Latencies (ms) and error counts per endpoint, shared by the load threads."""

    latency_ms: dict[str, list[float]] = field(default_factory=lambda: {e: [] for e in ENDPOINTS})
    errors: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ENDPOINTS, 0))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, endpoint: str, ms: float, ok: bool) -> None:
        with self.lock:
            self.latency_ms[endpoint].append(ms)
            if not ok:
                self.errors[endpoint] += 1


@dataclass(frozen=True)
class Server:
    process: subprocess.Popen[bytes]
    base: str
    key: str
    log: Path


def service_env(data_dir: Path) -> dict[str, str]:
    """This process's environment without any ``PERSONA_*`` of its own, plus a fresh data
    directory, development mode and the raised rate limit."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("PERSONA_")}
    env["PERSONA_DATA_DIR"] = str(data_dir)
    env["PERSONA_ENVIRONMENT"] = "development"
    env["PERSONA_RATE_LIMIT_PER_MINUTE"] = str(RATE_LIMIT)
    return env


def admin(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([PERSONA, *args], env=env, capture_output=True, text=True, check=True)
    return done.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def start_server(data_dir: Path, workers: int) -> Server:
    env = service_env(data_dir)
    admin(env, "users", "create", "bench@example.com", "--name", "bench")
    key = json.loads(admin(env, "keys", "create", "--name", "bench", "--json"))["key"]
    port = free_port()
    log = data_dir / "serve.log"
    args = ["serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    with log.open("wb") as out:
        process = subprocess.Popen([PERSONA, *args], env=env, stdout=out, stderr=subprocess.STDOUT)
    server = Server(process, f"http://127.0.0.1:{port}", key, log)

    def healthy() -> bool:
        if process.poll() is not None:
            raise RuntimeError(f"persona serve exited early:\n{log.read_text()}")
        try:
            return httpx.get(f"{server.base}/health", timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    wait_for(healthy, "persona serve to answer /health", 120)
    return server


def stop_server(server: Server) -> int:
    """SIGTERM, then wait for the running jobs to finish; the exit status."""
    server.process.send_signal(signal.SIGTERM)
    try:
        return server.process.wait(timeout=120)
    except subprocess.TimeoutExpired:
        server.process.kill()
        return server.process.wait()


def load(server: Server, job_ids: list[str], threads: int, seconds: float) -> Samples:
    """``threads`` keep-alive clients cycling through :data:`MIX` for ``seconds``."""
    samples = Samples()
    end = time.monotonic() + seconds
    paths: dict[str, Callable[[int], str]] = {
        "status": lambda i: f"/api/v1/status/{job_ids[i % len(job_ids)]}",
        "jobs": lambda _i: "/api/v1/jobs",
        "health": lambda _i: "/health",
    }

    def drive(offset: int) -> None:
        with httpx.Client(base_url=server.base, headers=headers(server.key), timeout=30) as c:
            i = offset
            while time.monotonic() < end:
                endpoint = MIX[i % len(MIX)]
                started = time.perf_counter()
                try:
                    ok = c.get(paths[endpoint](i)).status_code == 200
                except httpx.TransportError:
                    ok = False
                samples.add(endpoint, (time.perf_counter() - started) * 1000, ok)
                i += 1

    workers = [threading.Thread(target=drive, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return samples


def submit(client: httpx.Client, size: str) -> str:
    body = {
        "script": SCRIPT,
        "avatar": "template:maya",
        "voice": "espeak-en",
        "options": {"size": size, "preset": "ultrafast"},
    }
    answer = client.post("/api/v1/generate", json=body)
    if answer.status_code != 202:
        raise RuntimeError(f"generate: {answer.status_code} {answer.text}")
    job_id: str = answer.json()["job_id"]
    return job_id


def finished(client: httpx.Client, job_ids: list[str]) -> list[dict[str, Any]]:
    """The jobs' status once every one of them has reached a final state."""

    def check() -> list[dict[str, Any]] | None:
        states = [client.get(f"/api/v1/status/{i}").json() for i in job_ids]
        return states if all(s["state"] in FINAL for s in states) else None

    result: list[dict[str, Any]] = wait_for(check, "the jobs to finish", 1800)
    return result


def span_s(job: dict[str, Any], start: str, end: str) -> float:
    return (datetime.fromisoformat(job[end]) - datetime.fromisoformat(job[start])).total_seconds()


@dataclass(frozen=True)
class Run:
    submitted: int
    done: list[dict[str, Any]]
    wall_s: float
    rendering_at_end: int
    """Jobs not yet final when the load stopped: 0 means the load outlasted the renders."""
    idle: Samples
    busy: Samples


def measure(server: Server, args: argparse.Namespace) -> Run:
    with httpx.Client(base_url=server.base, headers=headers(server.key), timeout=30) as client:
        warm = submit(client, args.size)
        finished(client, [warm])
        idle = load(server, [warm], args.threads, args.seconds)
        ids = [submit(client, args.size) for _ in range(args.jobs)]
        busy = load(server, ids, args.threads, args.seconds)
        states = [client.get(f"/api/v1/status/{i}").json()["state"] for i in ids]
        done = finished(client, ids)
        last = max(datetime.fromisoformat(d["finished_at"]) for d in done)
        first = min(datetime.fromisoformat(d["created_at"]) for d in done)
        wall = max((last - first).total_seconds(), 1e-3)
    pending = sum(state not in FINAL for state in states)
    return Run(args.jobs, done, wall, pending, idle, busy)


def percentile(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def print_report(run: Run, args: argparse.Namespace) -> None:
    completed = [d for d in run.done if d["state"] == "completed"]
    print(
        f"persona serve --workers {args.workers} (embedded, SQLite, local files); "
        f"{args.threads} client threads for {args.seconds:g} s per phase; "
        f"PERSONA_RATE_LIMIT_PER_MINUTE={RATE_LIMIT} (raised from 100 for the benchmark)"
    )
    print(f"jobs: {args.size}, ultrafast, espeak-en, template:maya, one sentence")
    print(
        f"{'submitted':>9} {'completed':>9} {'wall s':>7} {'jobs/min':>9} "
        f"{'mean run s':>10} {'mean turnaround s':>17} {'unfinished at load end':>22}"
    )
    run_s = [span_s(d, "started_at", "finished_at") for d in completed] or [float("nan")]
    turn_s = [span_s(d, "created_at", "finished_at") for d in completed] or [float("nan")]
    print(
        f"{run.submitted:>9} {len(completed):>9} {run.wall_s:>7.1f} "
        f"{len(completed) / run.wall_s * 60:>9.1f} {statistics.mean(run_s):>10.2f} "
        f"{statistics.mean(turn_s):>17.2f} {run.rendering_at_end:>22}"
    )
    for failed in (d for d in run.done if d["state"] != "completed"):
        print(f"  {failed['job_id']}: {failed['state']} {failed.get('error')}")
    print()
    print(
        f"{'endpoint':<8} {'phase':<9} {'requests':>8} {'req/s':>7} {'p50 ms':>8} "
        f"{'p99 ms':>8} {'max ms':>8} {'errors':>6}"
    )
    for endpoint in ENDPOINTS:
        for phase, samples in (("idle", run.idle), ("rendering", run.busy)):
            ms = samples.latency_ms[endpoint]
            print(
                f"{endpoint:<8} {phase:<9} {len(ms):>8} {len(ms) / args.seconds:>7.1f} "
                f"{percentile(ms, 50):>8.1f} {percentile(ms, 99):>8.1f} "
                f"{max(ms, default=float('nan')):>8.1f} {samples.errors[endpoint]:>6}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=24)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--size", default="256x256")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="persona-bench-api-"))
    server: Server | None = None
    try:
        server = start_server(data_dir, args.workers)
        run = measure(server, args)
    finally:
        status = stop_server(server) if server is not None else None
        shutil.rmtree(data_dir, ignore_errors=True)
    print_report(run, args)
    print(f"\npersona serve stopped with SIGTERM, exit status {status}")


if __name__ == "__main__":
    main()
