"""The job service, measured: how long tiny video jobs take from submission to a stored
video through the API with the embedded worker (SQLite, local files), with 1 and 2
worker threads, and how much of that is waiting in the queue.

    .venv/bin/python benchmarks/service_jobs.py [--jobs 6] [--size 256x256]

Each job speaks one sentence with eSpeak NG (``espeak-en``) as ``template:maya``,
ultrafast H.264. Columns: jobs finished per minute, the median wait from submission to
``processing`` (pickup), the median submission → ``completed`` time, and the median
time a job spent running (started → finished). On 2 cores the second thread overlaps
speech synthesis and avatar drawing with the other job's encoding.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.unit.service.jobclient import (
    FAST,
    headers,
    make_keys,
    service,
    wait_state,
)
from tests.unit.service.servicedb import migrated, sqlite_settings

from persona.service.storage.local import LocalStorage

SCRIPT = "Persona Studio renders this sentence as a short talking video."


def run(jobs: int, threads: int, size: str) -> dict[str, float]:
    data = Path(tempfile.mkdtemp(prefix="persona-bench-"))
    settings = sqlite_settings(data)
    database = migrated(settings)
    storage = LocalStorage(settings.storage_root)
    keys = make_keys(database)
    body = {
        "script": SCRIPT,
        "voice": "espeak-en",
        "options": {"size": size, "preset": "ultrafast"},
    }
    with service(settings, database, storage, workers=threads, config=FAST) as (client, _):
        started = time.monotonic()
        ids = [
            client.post("/api/v1/generate", json=body, headers=headers(keys["ann"])).json()[
                "job_id"
            ]
            for _ in range(jobs)
        ]
        done = [wait_state(client, keys["ann"], i, {"completed", "failed"}, 600) for i in ids]
        wall = time.monotonic() - started
    database.dispose()
    assert all(d["state"] == "completed" for d in done), [d["error"] for d in done]

    def seconds(job: dict[str, str], start: str, end: str) -> float:
        from datetime import datetime

        return (
            datetime.fromisoformat(job[end]) - datetime.fromisoformat(job[start])
        ).total_seconds()

    return {
        "per_min": jobs / wall * 60,
        "pickup": statistics.median(seconds(d, "created_at", "started_at") for d in done),
        "turnaround": statistics.median(seconds(d, "created_at", "finished_at") for d in done),
        "running": statistics.median(seconds(d, "started_at", "finished_at") for d in done),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=6)
    parser.add_argument("--size", default="256x256")
    args = parser.parse_args()
    print(f"{args.jobs} jobs of {args.size}, ultrafast, espeak-en, embedded worker on SQLite")
    print(f"{'threads':>7} {'jobs/min':>9} {'pickup s':>9} {'turnaround s':>13} {'running s':>10}")
    for threads in (1, 2):
        row = run(args.jobs, threads, args.size)
        print(
            f"{threads:>7} {row['per_min']:>9.1f} {row['pickup']:>9.2f} "
            f"{row['turnaround']:>13.2f} {row['running']:>10.2f}"
        )


if __name__ == "__main__":
    main()
