"""Read a configuration file (YAML or JSON) and say where each problem is: file, line, field.

PyYAML's node tree keeps the line of every value; it is walked beside the loaded data to
map each field path (`services.2.owner_team`) to its line. Errors of the file's shape
(pydantic) and of the plan (unknown names) are reported the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import ValidationError

from watchkeeper.config.schemas import KEYS, ConfigFile
from watchkeeper.core.validation import phrase

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Located:
    """One problem: where (file, line, dotted field, the object's name) and what."""

    file: str
    line: int
    field: str
    message: str
    name: str = ""

    def __str__(self) -> str:
        named = f" ({self.name})" if self.name else ""
        return f"{self.file}:{self.line}: {self.field}{named}: {self.message}"


class ConfigFileError(Exception):
    def __init__(self, problems: list[Located]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class Source:
    """A loaded file: its data and the line of every path in it."""

    file: str
    data: Any
    lines: dict[Path, int]

    def locate(self, path: Path, message: str) -> Located:
        line = 1
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                line = self.lines[path[:end]]
                break
        return Located(
            self.file, line, ".".join(map(str, path)) or "file", message, self._name(path)
        )

    def _name(self, path: Path) -> str:
        if len(path) < 2 or not isinstance(path[1], int) or path[0] not in KEYS:
            return ""
        try:
            item = self.data[path[0]][path[1]]
        except (KeyError, IndexError, TypeError):
            return ""
        return str(item.get(KEYS[str(path[0])], "")) if isinstance(item, dict) else ""


def read(text: str, file: str = "config.yaml") -> Source:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigFileError([Located(file, line, "file", f"not valid YAML: {problem}")]) from None
    lines: dict[Path, int] = {}
    if node is not None:
        _walk(node, (), lines)
    return Source(file, data if data is not None else {}, lines)


def parse(source: Source) -> ConfigFile:
    """The file's document, or `ConfigFileError` listing each field at fault."""
    try:
        return ConfigFile.model_validate(source.data)
    except ValidationError as exc:
        problems = []
        seen: set[Path] = set()
        for error in exc.errors():
            path = tuple(part for part in error["loc"] if not _schema_part(part))
            if path in seen:
                continue
            seen.add(path)
            problems.append(source.locate(path, phrase(error)))
        raise ConfigFileError(problems) from None


def load(text: str, file: str = "config.yaml") -> tuple[Source, ConfigFile]:
    source = read(text, file)
    return source, parse(source)


def _walk(node: yaml.Node, path: Path, lines: dict[Path, int]) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else str(key.value)
            lines[(*path, name)] = key.start_mark.line + 1
            _walk(value, (*path, name), lines)
            lines[(*path, name)] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), lines)


def _schema_part(part: str | int) -> bool:
    """Pydantic's union and function names in a location (`function-after[...]`)."""
    return isinstance(part, str) and ("[" in part or part in ("list", "str", "int", "bool"))
