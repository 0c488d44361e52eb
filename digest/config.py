"""The project's configuration: one YAML file at its root (digest.yaml), then command-line flags.

The keys are the build's folders (articles, output, taxonomy, templates) and every field of
``site.Settings``, under the field's own name. The key list and each key's type come from the
dataclass, so a setting added there is configurable at once; its own ``__post_init__`` checks
decide which values are allowed. Every problem names the file, the line and the key.
"""

from __future__ import annotations

import dataclasses
import difflib
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import DigestError, DigestErrors
from .site import Settings

CONFIG_NAME = "digest.yaml"

# Folder keys and their defaults, relative to the project root (the config file's folder).
# None: digest's own (the packaged taxonomy).
PATH_KEYS: dict[str, str | None] = {
    "articles": "articles",
    "output": "site",
    "taxonomy": None,
    "templates": "templates",
}


@dataclass(frozen=True)
class Project:
    """Everything a build, a preview or a check needs to know about the user's project."""

    root: Path  # the folder of the config file, or the current folder when there is none
    config_path: Path | None  # the file that was read; None: no file, every key has its default
    articles_dir: Path
    out_dir: Path
    taxonomy_path: Path | None  # None: the taxonomy shipped with digest
    templates_dir: Path  # the user's template overrides; need not exist
    settings: Settings

    @property
    def watched_paths(self) -> tuple[Path, ...]:
        """Return what a live preview watches: a change to any of these calls for a rebuild."""
        config = self.config_path or self.root / CONFIG_NAME  # watched so that creating it counts
        return tuple(path for path in (self.articles_dir, self.taxonomy_path, config, self.templates_dir) if path)


def setting_types() -> dict[str, Any]:
    """Return {Settings field name: its type}, resolved from the dataclass annotations."""
    hints = typing.get_type_hints(Settings)
    return {field.name: hints[field.name] for field in dataclasses.fields(Settings) if field.init}


def config_keys() -> tuple[str, ...]:
    """Return every key digest.yaml may hold, folder keys first."""
    return (*PATH_KEYS, *setting_types())


def load_project(
    config_path: Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    cwd: Path | None = None,
) -> Project:
    """Return the project: defaults, then ``config_path`` (or ./digest.yaml), then ``overrides``.

    ``overrides`` come from command-line flags: folder keys as paths relative to the current
    folder, settings already of their type. A missing ``config_path`` given on purpose is an
    error; a missing ./digest.yaml is not, since a project needs no configuration.
    """
    cwd = cwd or Path()  # relative, so that messages name "articles/x.txt" as the user would
    if config_path is not None and not config_path.is_file():
        raise DigestError("configuration file not found; check the path given to --config", config_path)
    if config_path is None and (cwd / CONFIG_NAME).is_file():
        config_path = cwd / CONFIG_NAME
    root = config_path.parent if config_path is not None else cwd
    values = read_config(config_path) if config_path is not None else {}
    folders = {
        key: (root / Path(values[key]).expanduser() if key in values else root / default if default else None)
        for key, default in PATH_KEYS.items()
    }
    settings_values = {key: value for key, value in values.items() if key not in PATH_KEYS}
    for key, value in (overrides or {}).items():
        if value is None:
            continue
        if key in PATH_KEYS:
            folders[key] = Path(value)
        else:
            check_setting(key, value)
            settings_values[key] = value
    try:
        settings = Settings(**settings_values)
    except DigestError as exc:
        # Each value passed on its own; only a rule between two settings gets here.
        raise DigestError(exc.message, config_path) from exc
    return Project(
        root=root,
        config_path=config_path,
        articles_dir=folders["articles"],
        out_dir=folders["output"],
        taxonomy_path=folders["taxonomy"],
        templates_dir=folders["templates"],
        settings=settings,
    )


def read_config(path: Path) -> dict[str, Any]:
    """Return {key: value} of a config file, checked; raise every problem at once with its line."""
    root = _compose(path)
    if root is None:
        return {}  # an empty file, or only comments: every key keeps its default
    if not isinstance(root, yaml.MappingNode):
        raise DigestError("the configuration must be a mapping of 'key: value' lines", path, _line(root))
    known = config_keys()
    values: dict[str, Any] = {}
    lines: dict[str, int] = {}
    errors: list[DigestError] = []
    for key_node, value_node in root.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        line = _line(key_node)
        if key not in known:
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            errors.append(DigestError(f"unknown key {key!r}; {hint}the keys are: {', '.join(known)}", path, line))
            continue
        if key in lines:
            errors.append(DigestError(f"key '{key}' is given twice (first on line {lines[key]}); keep one", path, line))
            continue
        lines[key] = line
        try:
            value = _construct(value_node)
            if key in PATH_KEYS:
                values[key] = _check_folder(key, value)
            else:
                values[key] = check_setting(key, value)
        except DigestError as exc:
            errors.append(DigestError(exc.message, path, _line(value_node)))
    if errors:
        raise DigestErrors(errors) if len(errors) > 1 else errors[0]
    return values


def check_setting(key: str, value: Any) -> Any:
    """Return ``value`` for the setting ``key`` if its type and the setting's own rules allow it.

    The value is tried alone, with every other setting at its default, so that a problem is
    blamed on the key that has it.
    """
    expected = setting_types()[key]
    if not _has_type(value, expected):
        # YAML reads some bare words as numbers, dates or booleans (1984, 2019-08-26, no).
        is_scalar = value is not None and not isinstance(value, (list, dict))
        quote = " (put it in quotes)" if is_scalar and _has_type(str(value), expected) else ""
        raise DigestError(f"{key} must be {_describe(expected)}, not {_describe_value(value)}{quote}; "
                          f"write it as e.g. {key}: {_example(key)}")
    if isinstance(value, list):
        value = tuple(value)
    Settings(**{key: value})  # raises DigestError naming the setting and the allowed values
    return value


def _check_folder(key: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise DigestError(f"{key} must be a path to a folder or file, not {_describe_value(value)}; "
                          f"write it as e.g. {key}: {PATH_KEYS[key] or 'topics.yaml'}")
    return value


def _has_type(value: Any, expected: Any) -> bool:
    origin = typing.get_origin(expected)
    if origin in (typing.Union, types.UnionType):
        return any(_has_type(value, option) for option in typing.get_args(expected))
    if expected is type(None):
        return value is None
    if expected is bool:
        return isinstance(value, bool)
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if expected is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if origin in (tuple, list):
        item_types = [arg for arg in typing.get_args(expected) if arg is not Ellipsis] or [Any]
        return isinstance(value, (list, tuple)) and all(_has_type(item, item_types[0]) for item in value)
    if expected is Any:
        return True
    return isinstance(value, origin or expected)


def _describe(expected: Any) -> str:
    if typing.get_origin(expected) in (typing.Union, types.UnionType):
        return " or ".join(_describe(option) for option in typing.get_args(expected))
    if typing.get_origin(expected) in (tuple, list):
        return "a list"
    names = {str: "text", int: "a whole number", float: "a number", bool: "true or false", type(None): "empty"}
    return names.get(expected, getattr(expected, "__name__", str(expected)))


def _describe_value(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "empty"
    kind = {bool: "true/false", int: "the number", float: "the number", str: "the text"}.get(type(value), "the value")
    return f"{kind} {value!r}"


def _example(key: str) -> str:
    default = next(field.default for field in dataclasses.fields(Settings) if field.name == key)
    if default is None or default is dataclasses.MISSING:
        return "..."
    return yaml.safe_dump(default, default_flow_style=True).removesuffix("\n...\n").strip()


def _compose(path: Path) -> yaml.Node | None:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DigestError("configuration is not UTF-8 text; save it as UTF-8", path) from exc
    except OSError as exc:
        raise DigestError(f"cannot read the configuration: {exc.strerror}", path) from exc
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        context = exc.context_mark
        # An unclosed bracket or quote is noticed lines later; the line it opened on is the one to fix.
        opened = f", {exc.context} on line {context.line + 1}" if context and context.line != mark.line else ""
        raise DigestError(
            f"configuration is not valid YAML ({exc.problem}{opened}); write one 'key: value' per line "
            "and quote values that contain ': ' or '#'",
            path, mark.line + 1 if mark is not None else None,
        ) from exc
    except yaml.YAMLError as exc:
        raise DigestError(f"configuration is not valid YAML: {exc}", path) from exc


def _construct(node: yaml.Node) -> Any:
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError) as exc:
        raise DigestError(f"value cannot be read ({exc}); quote it") from exc
    finally:
        loader.dispose()


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1  # marks count lines from 0
