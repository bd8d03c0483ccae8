"""Cancelling a running render, measured: how soon the worker is free again.

    .venv/bin/python benchmarks/service_cancel.py [--runs 3] [--lease 60] [--size 256x256]
        [--heartbeat-only]

One embedded worker thread (SQLite, local files, lease ``--lease`` s, so a heartbeat
every lease / 3 s). Each run queues a long video (a paragraph spoken by eSpeak NG), waits
until it is ``rendering``, cancels it through ``DELETE /api/v1/jobs/{id}`` and at once
queues a one-word speech job. With one thread the second job starts only when the
cancelled render has stopped and cleaned up, so ``cancel → next job started`` is how long
a cancel takes to free the worker. Before cancels were checked on progress reports this
was up to one heartbeat interval (lease / 3); ``--heartbeat-only`` turns the check on
progress reports off to show that. Columns: how cancels were noticed, the median and the
worst of the runs, the heartbeat interval, and how long the video takes uncancelled.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.unit.service.jobclient import headers, make_keys, service, wait_state
from tests.unit.service.servicedb import migrated, sqlite_settings

from persona.service import worker
from persona.service.storage.local import LocalStorage
from persona.service.worker import WorkerConfig

PARAGRAPH = " ".join(
    ["Persona Studio renders this long paragraph so that there is time to cancel it."] * 30
)


def one_run(lease_s: int, size: str, cancel: bool = True) -> float:
    """Seconds from the cancel to the next job's start (from submission to the end
    of the long video when ``cancel`` is false)."""
    data = Path(tempfile.mkdtemp(prefix="persona-bench-"))
    settings = sqlite_settings(data, rate_limit_per_minute=100_000, default_quota_bytes=1 << 30)
    database = migrated(settings)
    storage = LocalStorage(settings.storage_root)
    keys = make_keys(database)
    auth = headers(keys["ann"])
    config = WorkerConfig(lease_s=lease_s, poll_s=0.05)
    body = {
        "script": PARAGRAPH,
        "voice": "espeak-en",
        "options": {"size": size, "preset": "ultrafast"},
    }
    speech = {"type": "voice_synthesis", "params": {"text": "Next.", "voice": "espeak-en"}}
    with service(settings, database, storage, workers=1, config=config) as (client, _):
        long_id = client.post("/api/v1/generate", json=body, headers=auth).json()["job_id"]
        if not cancel:
            whole = wait_state(client, keys["ann"], long_id, {"completed", "failed"}, 600)
            return (
                datetime.fromisoformat(whole["finished_at"])
                - datetime.fromisoformat(whole["created_at"])
            ).total_seconds()
        wait_state(client, keys["ann"], long_id, {"rendering"}, 600)
        cancelled_at = datetime.now(UTC)
        client.delete(f"/api/v1/jobs/{long_id}", headers=auth)
        next_id = client.post("/api/v1/jobs", json=speech, headers=auth).json()["job_id"]
        done = wait_state(client, keys["ann"], next_id, {"completed", "failed"}, 600)
    database.dispose()
    return (datetime.fromisoformat(done["started_at"]) - cancelled_at).total_seconds()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--lease", type=int, default=60)
    parser.add_argument("--size", default="256x256")
    parser.add_argument("--heartbeat-only", action="store_true")
    args = parser.parse_args()
    started = time.monotonic()
    if args.heartbeat_only:
        worker.CANCEL_CHECK_S = float("inf")
    waits = [one_run(args.lease, args.size) for _ in range(args.runs)]
    whole = one_run(args.lease, args.size, cancel=False)
    noticed = "heartbeat only" if args.heartbeat_only else "progress reports"
    print(
        f"{'noticed by':<16}  {'runs':>4}  {'cancel → next job, median':>26}  {'worst':>7}  "
        f"{'heartbeat every':>15}  {'video uncancelled':>17}"
    )
    print(
        f"{noticed:<16}  {args.runs:>4}  {statistics.median(waits):>24.2f} s  "
        f"{max(waits):>5.2f} s  {args.lease / 3:>13.1f} s  {whole:>15.1f} s"
    )
    print(f"({time.monotonic() - started:.0f} s in all)")


if __name__ == "__main__":
    main()
