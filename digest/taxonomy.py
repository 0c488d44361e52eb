"""Taxonomy YAML -> Taxonomy, validated; every problem is named by file and line.

The schema is documented at the top of ``data/taxonomy.yaml``. The file is read with
``yaml.compose`` rather than ``yaml.safe_load`` because only nodes keep their line numbers,
and an error that names the line is one the user can fix.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from slugify import slugify

from digest.errors import DigestError, DigestErrors
from digest.model import Alias, Person, Taxonomy, Topic

DEFAULT_TAXONOMY_PATH = Path(__file__).parent / "data" / "taxonomy.yaml"

KINDS = ("actor", "place")

_TOP_FIELDS = ("topics", "people", "ignore")
_TOPIC_FIELDS = ("slug", "name", "kind", "description", "aliases")
_PERSON_FIELDS = ("slug", "name", "actor", "aliases")

# A mapping's fields by name: (key node, value node), the key kept for its line.
_Fields = dict[str, tuple[yaml.Node, yaml.Node]]

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
_STR_TAG = "tag:yaml.org,2002:str"
_NULL_TAG = "tag:yaml.org,2002:null"

# Characters the tagger treats as one (see tag.py), folded alike so that two aliases that
# match the same text are caught as duplicates.
_APOSTROPHES = re.compile(r"['‘’ʼ]")
_HYPHENS = re.compile(r"[-‐‑]")
_SPACES = re.compile(r"\s+")


def load_taxonomy(path: Path | None = None) -> Taxonomy:
    """Return the taxonomy in ``path``, or the packaged default when ``path`` is None.

    Raises DigestError for the first problem that stops reading (an unreadable file, bad
    YAML), otherwise checks everything and raises all problems together (DigestErrors).
    """
    taxonomy_path = DEFAULT_TAXONOMY_PATH if path is None else Path(path)
    root = _compose_file(taxonomy_path)
    problems = _Problems(taxonomy_path)
    fields = _read_fields(root, _TOP_FIELDS, "the taxonomy", problems)
    if fields is not None and "topics" not in fields:
        problems.add(root, "the taxonomy has no topics; add a 'topics:' list")
    fields = fields or {}
    topics = _read_list(fields.get("topics"), "topics", problems, _read_topic)
    people = _read_list(fields.get("people"), "people", problems, _read_person)
    ignored = _read_aliases(fields.get("ignore"), "the ignore list", problems)
    _check_slugs(topics, "topic", problems)
    _check_slugs(people, "person", problems)
    _check_actors(people, topics, problems)
    _check_aliases(topics, people, ignored, problems)
    problems.raise_any()
    return _build_taxonomy(topics, people, ignored, taxonomy_path)


def find_person(taxonomy: Taxonomy, name: str) -> Person | None:
    """Return the person ``name`` stands for ("Kalyn" -> Ibrahim Kalin), or None.

    Names compare like aliases: case, runs of spaces and the form of apostrophes and
    hyphens do not count.
    """
    key = fold_name(name)
    for person in taxonomy.people:
        if any(fold_name(alias.text) == key for alias in person.aliases):
            return person
    return None


def fold_name(text: str) -> str:
    """Return ``text`` in the form two names are compared in."""
    text = unicodedata.normalize("NFC", text.strip())
    text = _APOSTROPHES.sub("'", _HYPHENS.sub("-", _SPACES.sub(" ", text)))
    return text.casefold()


def is_acronym(text: str) -> bool:
    """Return True for an alias written all in capitals (YPG), which matches only as written."""
    letters = [char for char in text if char.isalpha()]
    return len(letters) >= 2 and all(char.isupper() for char in letters)


@dataclass(frozen=True)
class _Text:
    """A text value of the file and the 1-based line it is on."""

    value: str
    line: int


@dataclass
class _Entry:
    """A topic or person as read, before the checks that need the whole file."""

    what: str  # "topic" or "person", for messages
    line: int
    slug: _Text | None
    name: _Text | None
    aliases: list[_Text]
    kind: str | None = None  # topics only
    description: str = ""  # topics only
    actor: _Text | None = None  # people only

    @property
    def label(self) -> str:
        return f"{self.what} {self.name.value!r}" if self.name else self.what


@dataclass
class _Problems:
    path: Path
    errors: list[DigestError] = field(default_factory=list)

    def add(self, where: yaml.Node | int, message: str) -> None:
        line = where if isinstance(where, int) else _line(where)
        self.errors.append(DigestError(message, self.path, line))

    def raise_any(self) -> None:
        # One problem keeps its own path and line; several are reported together.
        if len(self.errors) == 1:
            raise self.errors[0]
        if self.errors:
            raise DigestErrors(sorted(self.errors, key=lambda error: error.line or 0))


def _compose_file(path: Path) -> yaml.MappingNode:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise DigestError("taxonomy file not found; check the path", path) from exc
    except UnicodeDecodeError as exc:
        raise DigestError("taxonomy file is not UTF-8 text; save it as UTF-8", path) from exc
    except OSError as exc:
        raise DigestError(f"cannot read the taxonomy file: {exc.strerror}", path) from exc
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise DigestError(
            f"the taxonomy is not valid YAML ({exc.problem}); check the indentation and "
            "quote values that contain ': ', '#' or start with a quote",
            path,
            line,
        ) from exc
    except yaml.YAMLError as exc:
        raise DigestError(f"the taxonomy is not valid YAML: {exc}", path) from exc
    if root is None:
        raise DigestError("the taxonomy file is empty; add a 'topics:' list", path, 1)
    if not isinstance(root, yaml.MappingNode):
        raise DigestError(
            "the taxonomy must be a mapping with 'topics:' (and optional 'people:', "
            "'ignore:') at the top level, not a list or a single value",
            path,
            _line(root),
        )
    return root


def _read_fields(
    node: yaml.Node, allowed: tuple[str, ...], what: str, problems: _Problems
) -> _Fields | None:
    """Return {field: (key node, value node)} of a mapping node, reporting unknown and repeated keys."""
    if not isinstance(node, yaml.MappingNode):
        problems.add(node, f"{what} must be a mapping with the fields {', '.join(allowed)}")
        return None
    fields: _Fields = {}
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if key not in allowed:
            problems.add(key_node, f"unknown field {key!r} in {what}; use one of: {', '.join(allowed)}")
        elif key in fields:
            first = _line(fields[key][0])
            problems.add(key_node, f"field {key!r} appears twice in {what} (also line {first}); keep one")
        else:
            fields[key] = (key_node, value_node)
    return fields


def _read_list(
    item: tuple[yaml.Node, yaml.Node] | None,
    what: str,
    problems: _Problems,
    read_item: Callable[[yaml.Node, _Problems], _Entry | None],
) -> list[_Entry]:
    """Return the entries of the list field ``item`` (a (key, value) pair or None)."""
    if item is None:
        return []
    key_node, node = item
    if _is_null(node):
        return []
    if not isinstance(node, yaml.SequenceNode):
        problems.add(node, f"'{what}' must be a list, one '- ' entry per item")
        return []
    if not node.value and what == "topics":
        problems.add(key_node, "'topics' is empty; list at least one topic")
    entries = [read_item(child, problems) for child in node.value]
    return [entry for entry in entries if entry is not None]


def _read_topic(node: yaml.Node, problems: _Problems) -> _Entry | None:
    fields = _read_fields(node, _TOPIC_FIELDS, "a topic", problems)
    if fields is None:
        return None
    entry = _read_entry("topic", node, fields, problems)
    kind = _read_text(fields, "kind", entry, problems)
    if kind is not None and kind.value not in KINDS:
        problems.add(kind.line, f"{entry.label} has kind {kind.value!r}; use 'actor' or 'place'")
    entry.kind = kind.value if kind is not None else None
    description = _read_text(fields, "description", entry, problems, required=False)
    entry.description = description.value if description is not None else ""
    return entry


def _read_person(node: yaml.Node, problems: _Problems) -> _Entry | None:
    fields = _read_fields(node, _PERSON_FIELDS, "a person", problems)
    if fields is None:
        return None
    entry = _read_entry("person", node, fields, problems)
    entry.actor = _read_text(fields, "actor", entry, problems)
    return entry


def _read_entry(what: str, node: yaml.Node, fields: _Fields, problems: _Problems) -> _Entry:
    """Read the fields topics and people share: name, slug and aliases."""
    entry = _Entry(what, _line(node), None, None, [])
    entry.name = _read_text(fields, "name", entry, problems)
    entry.slug = _read_text(fields, "slug", entry, problems)
    if entry.slug is not None and not _SLUG.match(entry.slug.value):
        suggestion = slugify(entry.slug.value) or "my-topic"
        problems.add(
            entry.slug.line,
            f"slug {entry.slug.value!r} of {entry.label} is not lowercase-url-safe; use lowercase "
            f"letters, digits and single hyphens, e.g. {suggestion!r}",
        )
        entry.slug = None
    entry.aliases = _read_aliases(fields.get("aliases"), entry.label, problems)
    return entry


def _read_text(
    fields: _Fields, name: str, entry: _Entry, problems: _Problems, required: bool = True
) -> _Text | None:
    if name not in fields:
        if required:
            example = slugify(entry.name.value) if name == "slug" and entry.name else "..."
            problems.add(entry.line, f"{entry.label} has no {name}; add '{name}: {example}'")
        return None
    return _read_scalar(fields[name][1], f"the {name} of {entry.label}", problems)


def _read_aliases(
    item: tuple[yaml.Node, yaml.Node] | None, owner: str, problems: _Problems
) -> list[_Text]:
    """Return the aliases listed under ``item`` for ``owner`` ("topic 'Russia'", "the ignore list")."""
    if item is None or _is_null(item[1]):
        return []
    node = item[1]
    if not isinstance(node, yaml.SequenceNode):
        problems.add(node, f"the aliases of {owner} must be a list, e.g. [Moscow, Kremlin]")
        return []
    aliases = []
    for child in node.value:
        alias = _read_scalar(child, f"an alias of {owner}", problems)
        if alias is not None and not any(char.isalnum() for char in alias.value):
            message = f"alias {alias.value!r} of {owner} has no letters or digits; remove it"
            problems.add(alias.line, message)
        elif alias is not None:
            aliases.append(alias)
    return aliases


def _read_scalar(node: yaml.Node, what: str, problems: _Problems) -> _Text | None:
    is_blank = isinstance(node, yaml.ScalarNode) and not node.value.strip()
    if is_blank and node.tag in (_STR_TAG, _NULL_TAG):
        problems.add(node, f"{what} is empty; write the text or remove the entry")
        return None
    if not isinstance(node, yaml.ScalarNode):
        problems.add(node, f"{what} must be text, not a list or mapping")
        return None
    if node.tag != _STR_TAG:
        # YAML reads some bare words as numbers or booleans (no, on, 1984).
        problems.add(node, f"{what} must be text; put {node.value!r} in quotes")
        return None
    return _Text(node.value.strip(), _line(node))


def _check_slugs(entries: list[_Entry], what: str, problems: _Problems) -> None:
    first_lines: dict[str, int] = {}
    for entry in entries:
        if entry.slug is None:
            continue
        slug = entry.slug
        if slug.value in first_lines:
            problems.add(
                slug.line,
                f"duplicate {what} slug {slug.value!r} (also line {first_lines[slug.value]}); "
                f"give each {what} its own slug",
            )
        else:
            first_lines[slug.value] = slug.line


def _check_actors(people: list[_Entry], topics: list[_Entry], problems: _Problems) -> None:
    kinds = {topic.slug.value: topic.kind for topic in topics if topic.slug is not None}
    actors = ", ".join(slug for slug, kind in kinds.items() if kind == "actor")
    for person in people:
        actor = person.actor
        if actor is None or kinds.get(actor.value) == "actor":
            continue
        found = f"a {kinds[actor.value]}" if actor.value in kinds else "not a topic"
        problems.add(
            actor.line,
            f"{person.label} has actor {actor.value!r}, which is {found}; use the slug of an "
            f"actor topic: {actors or 'none defined'}",
        )


def _check_aliases(
    topics: list[_Entry], people: list[_Entry], ignored: list[_Text], problems: _Problems
) -> None:
    """Report an alias (or an alias form matching the same text) listed more than once.

    A topic's or person's name is also an alias, but listing it again is not an error.
    """
    owners: dict[str, tuple[int, str, _Text]] = {}
    groups = [(entry.label, _all_aliases(entry)) for entry in topics + people]
    groups.append(("the ignore list", ignored))
    for index, (owner, aliases) in enumerate(groups):
        for alias in aliases:
            key = fold_name(alias.value)
            if key not in owners:
                owners[key] = (index, owner, alias)
                continue
            first_index, first_owner, first = owners[key]
            if first_index == index:
                problems.add(
                    alias.line,
                    f"alias {alias.value!r} of {owner} repeats {first.value!r} (line {first.line}): "
                    "they differ only in case, spacing, apostrophes or hyphens; keep one (an "
                    "alias in lower case matches any case)",
                )
            else:
                problems.add(
                    alias.line,
                    f"alias {alias.value!r} of {owner} is also an alias of {first_owner} "
                    f"(line {first.line}); an alias can stand for one topic or person only, "
                    "so remove one",
                )


def _all_aliases(entry: _Entry) -> list[_Text]:
    """Return the entry's name (unless listed again) followed by its aliases."""
    keys = {fold_name(alias.value) for alias in entry.aliases}
    if entry.name is None or fold_name(entry.name.value) in keys:
        return entry.aliases
    return [entry.name] + entry.aliases


def _build_taxonomy(
    topics: list[_Entry], people: list[_Entry], ignored: list[_Text], path: Path
) -> Taxonomy:
    built_people = tuple(
        Person(
            name=person.name.value,
            slug=person.slug.value,
            actor=person.actor.value,
            aliases=_to_aliases(person),
        )
        for person in people
    )
    built_topics = []
    for topic in topics:
        # People's names count as their actor's aliases, so that "Kalyn said" tags Turkey.
        people_aliases = tuple(
            alias
            for person in built_people
            if person.actor == topic.slug.value
            for alias in person.aliases
        )
        aliases = _to_aliases(topic) + people_aliases
        built_topics.append(
            Topic(
                slug=topic.slug.value,
                name=topic.name.value,
                kind=topic.kind,
                aliases=aliases,
                description=topic.description,
            )
        )
    return Taxonomy(
        topics=tuple(built_topics),
        people=built_people,
        source_path=str(path),
        ignored=_make_aliases(ignored),
    )


def _to_aliases(entry: _Entry) -> tuple[Alias, ...]:
    return _make_aliases(_all_aliases(entry))


def _make_aliases(texts: list[_Text]) -> tuple[Alias, ...]:
    return tuple(Alias(text.value, exact_case=is_acronym(text.value)) for text in texts)


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == _NULL_TAG


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1  # marks count lines from 0
