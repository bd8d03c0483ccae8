"""What ``persona avatars templates|template|template-sheet`` print and write."""

from __future__ import annotations

import json
from pathlib import Path

from persona.avatar.creator.sheet import template_sheet
from persona.avatar.creator.templates import get_template, templates


def templates_command(as_json: bool) -> str:
    """The template list: a table, or JSON with each template's full spec."""
    if as_json:
        rows = [
            {"name": t.name, "description": t.description, "spec": t.spec.to_dict()}
            for t in templates()
        ]
        return json.dumps(rows, indent=2, ensure_ascii=False)
    width = max(len(t.name) for t in templates())
    lines = [f"{'template':<{width}}  description"]
    lines += [f"{t.name:<{width}}  {t.description}" for t in templates()]
    lines.append("")
    lines.append(
        "use one with --avatar template:NAME; `persona avatars template NAME` prints its spec"
    )
    return "\n".join(lines)


def template_command(name: str) -> str:
    """One template's spec as JSON: a starting point for a spec file of one's own."""
    return get_template(name).spec.to_json().rstrip("\n")


def template_sheet_command(output: Path, tile: int) -> Path:
    return template_sheet(output, tile)
