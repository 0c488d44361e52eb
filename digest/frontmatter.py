"""Split a YAML front matter block off an article and check the fields the digest knows."""

from __future__ import annotations

import datetime
import math
import re
from dataclasses import dataclass
from typing import Any

import yaml

from .dates import parse_iso_date
from .errors import DigestError, DigestErrors

_OPENING = re.compile(r"---[ \t]*\n")
_CLOSING = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)

KNOWN_FIELDS = ("title", "source", "date", "url")
# Characters that are not text and that HTML forbids: C0 controls other than tab and line
# feed (carriage returns are already line ends), DEL, C1 controls and Unicode noncharacters.
# A file's text is cleared of them when it is read; YAML escapes ("\x07") can still make them.
# The noncharacters above U+FFFF are checked in a lookbehind, only for a character outside the
# BMP: listed in the main class, they made the regex engine test every character of a file
# against each of them, which was most of the time of reading a file.
_ASTRAL_NONCHARACTERS = "".join(
    chr(plane + 0xFFFE) + chr(plane + 0xFFFF) for plane in range(0x10000, 0x110000, 0x10000)
)
NOT_TEXT = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff\U00010000-\U0010ffff]"
    + f"(?<=[\x00-\uffff{_ASTRAL_NONCHARACTERS}])"
)


@dataclass(frozen=True)
class FrontMatter:
    """The checked front matter of one file."""

    title: str | None
    source: str | None
    date: datetime.date | None
    url: str | None
    extra: tuple[tuple[str, Any], ...]  # fields the digest does not know, in file order
    warnings: tuple[DigestError, ...]  # one per unknown field: kept, but maybe a typo
    body_line: int  # 1-based line of the file where the body starts


# Front matter is a few plain fields. Deeper nesting than this is not an article's metadata,
# and PyYAML composes nodes recursively, so a hostile "[[[[..." would otherwise overflow the stack.
MAX_DEPTH = 32
# An explicit tag asks PyYAML to build a typed value (!!timestamp, !!set, !!binary); its
# constructors fail on bad text with arbitrary exceptions, and no field needs one. "!!str"
# only forces text, and "!" is YAML's "no tag".
_ALLOWED_TAGS = (None, "!", "tag:yaml.org,2002:str")


class _Refused(yaml.composer.ComposerError):
    """Valid YAML that front matter does not allow; ``problem`` says what and how to fix it."""


class _Guarded:
    """A composer that refuses what a front matter block never needs and an attacker could use.

    Aliases (``*a``, which can expand a few lines into billions of values), explicit tags and
    deep nesting are each reported with their line, like a syntax error.
    """

    _depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(None, None, f"uses the alias *{event.anchor}; write the value out instead", event.start_mark)
        if getattr(event, "tag", None) not in _ALLOWED_TAGS:
            tag = event.tag.replace("tag:yaml.org,2002:", "!!")
            raise _Refused(None, None, f"uses the tag {tag}; remove it (quote the value to keep it as text)",
                           event.start_mark)
        if self._depth >= MAX_DEPTH:
            raise _Refused(None, None, f"nests values more than {MAX_DEPTH} levels deep; flatten them",
                           event.start_mark)
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


# SafeLoader's, but dates stay strings, so that a bad date is reported with its line.
_IMPLICIT_RESOLVERS = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _Loader(_Guarded, yaml.SafeLoader):
    """PyYAML's pure-Python parser: the reference, whose errors are the ones reported."""

    yaml_implicit_resolvers = _IMPLICIT_RESOLVERS


if yaml.__with_libyaml__:

    class _FastLoader(_Guarded, yaml.composer.Composer, yaml.cyaml.CParser, yaml.resolver.Resolver):
        """libyaml's parser under PyYAML's own composer, guarded like _Loader.

        The pure-Python scanner and parser were most of the time of reading a file. Only the
        events come from C: composing them here (Composer before CParser, whose own composer
        is out of reach) keeps the refusals above, with their lines. Outside _LIBYAML_DIFFERS,
        its nodes are _Loader's, values and lines alike: random blocks compared found no difference.
        """

        yaml_implicit_resolvers = _IMPLICIT_RESOLVERS

        def __init__(self, stream: str):
            yaml.cyaml.CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            yaml.resolver.Resolver.__init__(self)

else:
    _FastLoader = None


# libyaml and PyYAML's pure parser read a few rare things differently: tabs, byte order marks
# and the Unicode line breaks as white space, the tag "!" on an empty value, a comment right
# after the "|" or ">" of a block scalar. A block with any of them is left to the pure parser.
_LIBYAML_DIFFERS = re.compile("[\t\r\x85\u2028\u2029\ufeff!]|[|>][-+0-9]*#")


def _compose(yaml_text: str) -> yaml.Node | None:
    """Return the node of a front matter block; raise yaml.YAMLError as PyYAML's parser words it.

    libyaml parses the block when it is there. The pure-Python parser is the reference: it
    parses again a block that libyaml rejects, so that an error reads and points the same with
    or without libyaml, and a block that the two would read differently.
    """
    if _FastLoader is not None and not _LIBYAML_DIFFERS.search(yaml_text):
        try:
            return _compose_with(_FastLoader, yaml_text)
        except yaml.YAMLError:
            pass
    return _compose_with(_Loader, yaml_text)


def _compose_with(loader_class: type, yaml_text: str) -> yaml.Node | None:
    loader = loader_class(yaml_text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def split_front_matter(text: str, path: str) -> tuple[FrontMatter | None, str]:
    """Return (front matter or None, body). The text has "\\n" line ends.

    Front matter is a YAML mapping between a first line ``---`` and the next line that is
    ``---`` or ``...``.
    """
    if not _OPENING.match(text):
        return None, text
    closing = _CLOSING.search(text, _OPENING.match(text).end())
    if closing is None:
        raise DigestError(
            "front matter opened with '---' is never closed; "
            "add a line '---' after the last field",
            path, 1,
        )
    yaml_text = text[_OPENING.match(text).end():closing.start()]
    body_start = closing.end() + 1 if closing.end() < len(text) else closing.end()
    body_line = text.count("\n", 0, body_start) + 1
    front_matter = parse_front_matter(yaml_text, path)
    return FrontMatter(**front_matter, body_line=body_line), text[body_start:]


def parse_front_matter(yaml_text: str, path: str) -> dict[str, Any]:
    """Return the checked fields of a front matter block (the text between the ``---`` lines)."""
    try:
        node = _compose(yaml_text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        context = getattr(exc, "context_mark", None)
        # An unclosed bracket or quote is noticed only at the end; its start is the line to fix.
        if context is not None and (mark is None or mark.index >= len(yaml_text.rstrip())):
            mark = context
        line = mark.line + 2 if mark is not None else 1  # +1 for 0-based, +1 for the "---"
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if isinstance(exc, _Refused):
            raise DigestError(f"front matter {problem}", path, line) from exc
        raise DigestError(
            f"front matter is not valid YAML ({problem}); "
            "write one 'field: value' per line and quote values that contain ': '",
            path, line,
        ) from exc
    if node is None:
        return {"title": None, "source": None, "date": None, "url": None, "extra": (), "warnings": ()}
    if not isinstance(node, yaml.MappingNode):
        raise DigestError(
            "front matter is not a mapping; write one 'field: value' per line",
            path, node.start_mark.line + 2,
        )
    fields: dict[str, Any] = {"title": None, "source": None, "date": None, "url": None}
    extra: list[tuple[str, Any]] = []
    warnings: list[DigestError] = []
    errors: list[DigestError] = []
    seen: dict[str, int] = {}  # field name -> line, so that a repeated field is not silently lost
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 2
        try:
            key = _construct(key_node, path, line)
            value = _construct(value_node, path, value_node.start_mark.line + 2)
        except DigestError as exc:
            errors.append(exc)
            continue
        if not isinstance(key, str):
            errors.append(DigestError(f"front matter field name {key!r} is not text; use a plain word", path, line))
            continue
        name = key.strip().lower()
        if name in seen:
            errors.append(DigestError(
                f"front matter field '{key}' is given twice (first on line {seen[name]}); keep one of them",
                path, line,
            ))
            continue
        seen[name] = line
        if name not in KNOWN_FIELDS:
            extra.append((key, _plain_value(value)))
            warnings.append(DigestError(
                f"unknown front matter field '{key}' is kept for templates; "
                f"if it is a typo, use one of: {', '.join(KNOWN_FIELDS)}",
                path, line,
            ))
            continue
        try:
            fields[name] = _check_field(name, value)
        except ValueError as exc:
            errors.append(DigestError(str(exc), path, value_node.start_mark.line + 2))
    if errors:
        raise DigestErrors(errors) if len(errors) > 1 else errors[0]
    fields["extra"] = tuple(extra)
    fields["warnings"] = tuple(warnings)
    return fields


def _construct(node: yaml.Node, path: str, line: int) -> Any:
    # A constructor of its own for each value, so that one value's failure leaves nothing behind;
    # SafeConstructor alone, because a whole loader (reader, scanner, parser) costs ten times more.
    constructor = yaml.constructor.SafeConstructor()
    try:
        return constructor.construct_object(node, deep=True)
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise DigestError(f"front matter value cannot be read ({problem}); quote it", path, line) from exc
    except ValueError as exc:
        # PyYAML's resolvers accept a few numbers that its constructors cannot convert ("0b_", "._").
        raise DigestError(f"front matter value cannot be read ({exc}); quote it", path, line) from exc


def _plain_value(value: Any) -> Any:
    """Return ``value`` as plain JSON data: text keys, and no NaN or infinity, which JSON lacks."""
    if isinstance(value, dict):
        return {str(key): _plain_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain_value(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, str):
        return NOT_TEXT.sub("", value)
    return value


def _check_field(name: str, value: Any) -> Any:
    """Return the value of a known field in its type; raise ValueError saying how to fix it."""
    if value is None:
        return None
    if name == "date":
        if isinstance(value, (int, float)) or not isinstance(value, str):
            raise ValueError(f"date {value!r} is not a date; use YYYY-MM-DD")
        try:
            return parse_iso_date(value)
        except ValueError:
            if re.fullmatch(r"\s*\d{4}-\d{2}-\d{2}.*", value):
                raise ValueError(f"date '{value}' is not a real date; use YYYY-MM-DD") from None
            raise ValueError(f"date '{value}' is not a date; use YYYY-MM-DD") from None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        kind = type(value).__name__
        kind = {"list": "a list", "dict": "a mapping", "bool": "true/false"}.get(kind, kind)
        raise ValueError(f"{name} is {kind}, not text; write it as one line of text")
    text = " ".join(NOT_TEXT.sub("", str(value)).split())
    if not text:
        return None
    return text
