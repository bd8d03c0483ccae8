"""SSML text → a tree of :class:`Element` objects that know their line and column.

Parsed with the standard library's expat; a DOCTYPE (and with it any entity
declaration) is refused, so a script cannot expand entities. Malformed XML raises
:class:`~persona.errors.ScriptError` naming the position and, where it helps, the
element left open.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.parsers import expat

from persona.errors import ScriptError


@dataclass(eq=False)
class Element:
    """One SSML element: its name, attributes, where it starts, and its content."""

    tag: str
    attrs: dict[str, str]
    line: int
    column: int
    children: list[Element | str] = field(default_factory=list)

    @property
    def where(self) -> str:
        return f"line {self.line}, column {self.column}"

    def error(self, message: str) -> ScriptError:
        return ScriptError(f"SSML error at {self.where}: {message}")

    def text(self) -> str:
        """All the text inside, elements included, as one string."""
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)


def parse_tree(text: str) -> Element:
    """Parse SSML text into :class:`Element` objects; ``ScriptError`` on bad XML."""
    parser = expat.ParserCreate()
    stack: list[Element] = []
    roots: list[Element] = []

    def start(tag: str, attrs: dict[str, str]) -> None:
        node = Element(tag, attrs, parser.CurrentLineNumber, parser.CurrentColumnNumber + 1)
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)

    def end(_tag: str) -> None:
        stack.pop()

    def characters(data: str) -> None:
        if not stack:
            return
        children = stack[-1].children
        if children and isinstance(children[-1], str):
            children[-1] += data
        else:
            children.append(data)

    def doctype(*_args: object) -> None:
        where = f"line {parser.CurrentLineNumber}, column {parser.CurrentColumnNumber + 1}"
        raise ScriptError(f"SSML error at {where}: a DOCTYPE is not allowed in a script")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    parser.StartDoctypeDeclHandler = doctype
    try:
        parser.Parse(text, True)
    except expat.ExpatError as exc:
        raise ScriptError(_xml_message(exc, stack)) from exc
    return roots[0]


def _xml_message(exc: expat.ExpatError, stack: list[Element]) -> str:
    """A message for malformed XML that names the unclosed element where there is one."""
    where = f"line {exc.lineno}, column {exc.offset + 1}"
    reason = expat.ErrorString(exc.code)
    if stack and exc.code == expat.errors.codes[expat.errors.XML_ERROR_TAG_MISMATCH]:
        opened = stack[-1]
        return (
            f"SSML error at {where}: closing tag does not match <{opened.tag}> "
            f"opened at {opened.where}"
        )
    if stack and exc.code in _AT_END_CODES:
        opened = stack[-1]
        return f"SSML error at {where}: <{opened.tag}> opened at {opened.where} is never closed"
    return f"SSML error at {where}: {reason}"


_AT_END_CODES = frozenset(
    expat.errors.codes[name]
    for name in (expat.errors.XML_ERROR_NO_ELEMENTS, expat.errors.XML_ERROR_UNCLOSED_TOKEN)
)


def plain_text(text: str) -> str:
    """The text of an SSML document without its markup (for language detection)."""
    return " ".join(parse_tree(text.lstrip("\ufeff").lstrip()).text().split())
