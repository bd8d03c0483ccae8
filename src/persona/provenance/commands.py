"""``persona verify VIDEO [--json] [--trust KEY.pem]``: what a video's provenance says.

Exit codes: 0 verified, 1 tampered, signature invalid or an untrusted signer, 2 nothing
to verify (no provenance, a missing file, not a video).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

VERIFY_HELP = "check a video's signed provenance, C2PA manifest and watermark"


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("verify", help=VERIFY_HELP, description=VERIFY_HELP)
    p.add_argument("video", help="an .mp4 or .webm made by Persona Studio")
    p.add_argument("--json", action="store_true", help="print the findings as JSON")
    p.add_argument(
        "--trust",
        action="append",
        default=[],
        metavar="PEM",
        help="also trust this public key or certificate (repeatable)",
    )


def run(args: argparse.Namespace) -> int:
    from persona.provenance.verify import verify_video

    result = verify_video(Path(args.video), [Path(p) for p in args.trust])
    print(json.dumps(result.as_dict(), indent=2) if args.json else result.text())
    return result.exit_code
