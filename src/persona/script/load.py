"""Where a script comes from: a ``.txt`` or ``.md`` file, or the text itself.

Markdown is reduced to the words a narrator would read: heading marks, emphasis, link
targets, images, list bullets, block quotes, HTML tags and the fence lines around code go
(the code itself stays); headings and list items become sentences of their own. Pause
marks (``[pause 2s]``) pass through.
"""

from __future__ import annotations

import re
from pathlib import Path

from persona.errors import ScriptError

SCRIPT_SUFFIXES = (".txt", ".md", ".markdown")
_MAX_PATH_LENGTH = 4096
_TERMINAL = ".!?…:;。！？।॥؟"


def load_script(source: str) -> str:
    """Return the script text named by ``source``.

    ``source`` is read as a UTF-8 file when it names an existing ``.txt`` or ``.md`` file
    (Markdown is stripped to plain text); otherwise ``source`` is the script itself. A
    one-line ``source`` ending in ``.txt``/``.md`` that names no file is a mistake, not a
    script: :class:`~persona.errors.ScriptError` says the file was not found.
    """
    path = _as_path(source)
    if path is None:
        return source
    if not path.exists():
        raise ScriptError(f"script file not found: {source}")
    if not path.is_file():
        raise ScriptError(f"script path is not a file: {source}")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScriptError(f"script file is not UTF-8 text: {source}") from exc
    except OSError as exc:
        raise ScriptError(f"cannot read script file {source}: {exc.strerror}") from exc
    if path.suffix.lower() in (".md", ".markdown"):
        return strip_markdown(text)
    return text


def _as_path(source: str) -> Path | None:
    """The path ``source`` names, or None when it reads as script text."""
    candidate = source.strip()
    if not candidate or "\n" in candidate or len(candidate) > _MAX_PATH_LENGTH:
        return None
    if not candidate.lower().endswith(SCRIPT_SUFFIXES):
        return None
    return Path(candidate).expanduser()


# ---------------------------------------------------------------- markdown

_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_SETEXT_RULE = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_BULLET = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+")
_QUOTE = re.compile(r"^\s*(?:>\s?)+")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_INLINE: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),  # images
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # [text](url)
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),  # [text][ref]
    (re.compile(r"<[^>\n]+>"), ""),  # HTML tags and autolinks
    (re.compile(r"`([^`]*)`"), r"\1"),  # inline code
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # strong
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])"), r"\1"),  # *emphasis*
    (re.compile(r"(?<![\w])_(?=\S)(.+?)(?<=\S)_(?!\w)"), r"\1"),  # _emphasis_
    (re.compile(r"~~(.+?)~~"), r"\1"),  # strikethrough
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!>])"), r"\1"),  # backslash escapes
)


def _as_sentence(line: str) -> str:
    """End a heading or list item with a period so it is read as its own sentence."""
    line = line.rstrip()
    if line and line[-1] not in _TERMINAL and not line.endswith("]"):
        line += "."
    return line


def _strip_line(line: str) -> tuple[str, bool]:
    """Plain text of one Markdown line, and whether it stands alone as a paragraph."""
    heading = _HEADING.match(line)
    if heading:
        return _as_sentence(heading.group(1)), True
    if _RULE.match(line) or _TABLE_RULE.match(line):
        return "", True
    line = _QUOTE.sub("", line)
    if _BULLET.match(line):
        return _as_sentence(_BULLET.sub("", line)), False
    return line.replace("|", " ").rstrip(), False


def _inline(text: str) -> str:
    for pattern, replacement in _INLINE:
        text = pattern.sub(replacement, text)
    return text


def strip_markdown(text: str) -> str:
    """Plain script text from Markdown (see the module docstring for what is kept)."""
    out: list[str] = []
    for raw in text.splitlines():
        if _FENCE.match(raw):
            continue
        if _SETEXT_RULE.match(raw) and out and out[-1].strip():
            out[-1] = _as_sentence(out[-1])
            out.append("")
            continue
        line, alone = _strip_line(raw)
        line = _inline(line)
        if alone:
            out.extend(["", line, ""])
        else:
            out.append(line)
    return "\n".join(out).strip() + "\n"
