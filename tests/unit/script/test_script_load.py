"""Loading scripts from files or strings, and stripping Markdown."""

from __future__ import annotations

from pathlib import Path

import pytest

from persona.errors import ScriptError
from persona.script import load_script, parse_script, strip_markdown


def test_plain_string_is_the_script() -> None:
    assert load_script("Hello world.") == "Hello world."
    assert load_script("notes.txt is a file name\nbut this is a script") == (
        "notes.txt is a file name\nbut this is a script"
    )


def test_reads_a_text_file(tmp_path: Path) -> None:
    path = tmp_path / "talk.txt"
    path.write_text("Héllo *there*.\n\nSecond [pause] part.", encoding="utf-8")
    assert load_script(str(path)) == "Héllo *there*.\n\nSecond [pause] part."


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.md"
    with pytest.raises(ScriptError, match="script file not found"):
        load_script(str(missing))
    with pytest.raises(ScriptError, match=r"script file not found: talk\.txt"):
        load_script("talk.txt")


def test_directory_and_bad_encoding(tmp_path: Path) -> None:
    folder = tmp_path / "dir.txt"
    folder.mkdir()
    with pytest.raises(ScriptError, match="not a file"):
        load_script(str(folder))
    latin = tmp_path / "latin.txt"
    latin.write_bytes("caf\xe9".encode("latin-1"))
    with pytest.raises(ScriptError, match="UTF-8"):
        load_script(str(latin))


MARKDOWN = """# Welcome to *Persona*

This is **bold**, _italic_ and a [link](https://example.com) with `code`.
![a picture](pic.png)

- first item
- second item!
1. numbered item

> A quoted line. [pause 1s]

---

```
print("hello")
```

Setext heading
==============
snake_case_name stays.
"""


def test_strip_markdown() -> None:
    text = strip_markdown(MARKDOWN)
    for noise in ("#", "*", "](", "![", "```", "`", "> ", "- first", "=="):
        assert noise not in text, noise
    assert "Welcome to Persona." in text
    assert "This is bold, italic and a link with code." in text
    assert "first item." in text
    assert "second item!" in text
    assert "numbered item." in text
    assert "A quoted line. [pause 1s]" in text
    assert 'print("hello")' in text
    assert "Setext heading." in text
    assert "snake_case_name stays." in text


def test_markdown_file_parses_to_clean_segments(tmp_path: Path) -> None:
    path = tmp_path / "talk.md"
    path.write_text(MARKDOWN, encoding="utf-8")
    script = parse_script(load_script(str(path)))
    displays = [s.display for s in script.segments]
    assert displays[0] == "Welcome to Persona."
    assert "first item." in displays
    quoted = displays.index("A quoted line.")
    assert script.segments[quoted].pause_after_ms == 1000
    assert all("*" not in d and "#" not in d for d in displays)


def test_markdown_noise_only_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "empty.md"
    path.write_text("# \n\n---\n\n***\n\n![x](y.png)\n", encoding="utf-8")
    with pytest.raises(ScriptError, match="the script is empty"):
        parse_script(load_script(str(path)))
