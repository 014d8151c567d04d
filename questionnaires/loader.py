"""Loading questionnaire files: YAML in, a validated `Questionnaire` and its content hash out.

Errors are collected, never stopped at the first: `QuestionnaireFileError.problems` lists
every problem of a file as `(path inside the file, message)`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from questionnaires.model import Questionnaire

__all__ = [
    "SUFFIXES",
    "LoadedQuestionnaire",
    "QuestionnaireFileError",
    "builtin_directory",
    "content_hash",
    "load_directories",
    "load_file",
    "parse_questionnaire",
    "questionnaire_files",
]

SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class LoadedQuestionnaire:
    """A questionnaire file that passed validation."""

    path: Path
    questionnaire: Questionnaire
    data: dict[str, Any]  # the parsed file as written, without defaults filled in
    content_hash: str


class QuestionnaireFileError(Exception):
    """A questionnaire file that cannot be used, with every problem found in it."""

    def __init__(self, path: Path | str, problems: list[tuple[str, str]]) -> None:
        self.path = Path(path)
        self.problems = problems
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        """The problems as `FILE: path.to.field: message` lines."""
        return [f"{self.path}: {where or '(file)'}: {message}" for where, message in self.problems]


def content_hash(data: object) -> str:
    """SHA-256 of the parsed file as written, in canonical JSON (`architecture.md`, Storage).

    Hashing what the author wrote, not the model with defaults filled in, keeps old hashes
    stable when a later release adds an optional field.
    """
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class _StrictLoader(yaml.SafeLoader):
    """A safe loader that refuses duplicate mapping keys (PyYAML keeps the last silently)."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node)
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping",
                node.start_mark,
                f"found duplicate key {key!r}",
                key_node.start_mark,
            )
        mapping[key] = loader.construct_object(value_node)
    return mapping


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _location(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc)


def _validation_problems(error: ValidationError) -> Iterator[tuple[str, str]]:
    for detail in error.errors():
        ctx = detail.get("ctx") or {}
        if detail["type"] == "questionnaire_references":
            yield from ctx["problems"]
        else:
            yield _location(detail["loc"]), detail["msg"]


def parse_questionnaire(data: object, *, source: Path | str = "<data>") -> Questionnaire:
    """Validate parsed data; raise `QuestionnaireFileError` listing every problem."""
    if not isinstance(data, dict):
        raise QuestionnaireFileError(
            source, [("", "the file must hold a mapping at the top level")]
        )
    try:
        return Questionnaire.model_validate(data)
    except ValidationError as error:
        raise QuestionnaireFileError(source, list(_validation_problems(error))) from None


def load_file(path: Path | str) -> LoadedQuestionnaire:
    """Read, parse and validate one YAML questionnaire file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise QuestionnaireFileError(path, [("", f"cannot read the file: {error}")]) from None
    try:
        data = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        raise QuestionnaireFileError(path, [("", f"invalid YAML: {error}")]) from None
    questionnaire = parse_questionnaire(data, source=path)
    return LoadedQuestionnaire(
        path=path, questionnaire=questionnaire, data=data, content_hash=content_hash(data)
    )


def builtin_directory() -> Path:
    """The folder of the questionnaires shipped with the package."""
    return Path(str(resources.files("questionnaires") / "builtin"))


def questionnaire_files(directories: Iterable[Path | str]) -> list[Path]:
    """Every questionnaire file in the given folders, sorted by name within each folder."""
    files: list[Path] = []
    for directory in directories:
        folder = Path(directory)
        files.extend(sorted(p for p in folder.iterdir() if p.suffix in SUFFIXES and p.is_file()))
    return files


def load_directories(
    directories: Iterable[Path | str],
    *,
    load: Callable[[Path], LoadedQuestionnaire] = load_file,
) -> list[LoadedQuestionnaire]:
    """Load every file of the given folders, each with `load` (`load_file` unless given).

    Raises `QuestionnaireFileError` for the first bad file (with all of its problems), and for
    two files that declare the same key and version.
    """
    loaded: dict[tuple[str, str], LoadedQuestionnaire] = {}
    for path in questionnaire_files(directories):
        item = load(path)
        identity = (item.questionnaire.key, item.questionnaire.version)
        if identity in loaded:
            other = loaded[identity].path
            raise QuestionnaireFileError(
                path, [("", f"key {identity[0]!r} version {identity[1]!r} is also in {other}")]
            )
        loaded[identity] = item
    return list(loaded.values())
