"""Reading users' YAML and JSON into typed models, with errors that point at file, line and field.

Registry files, person files and scenarios all go through `load_model`: the YAML is parsed
with ruamel.yaml (which keeps every node's line and column), validated with pydantic, and each
pydantic error is mapped back to the line of the offending field, with a suggestion where one
is obvious (the closest known field name for an unknown one).

Parsing is bounded, because a document can come from anyone (the web runner, the API): at most
`MAX_DOCUMENT_BYTES`, nested at most `MAX_DEPTH` deep, with at most `MAX_ALIASES` aliases and
`MAX_VALUES` values once aliases are expanded (a 289-byte "billion laughs" alias bomb expands
to billions), and only YAML's plain tags (no `!!python/...`, `!!binary` or `!!set`). Each
limit is an `InputError` naming it, found before the document is expanded.
"""

from __future__ import annotations

import difflib
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar, get_args, get_origin

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.composer import Composer, MaxDepthExceededError
from ruamel.yaml.constructor import ConstructorError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.nodes import Node
from ruamel.yaml.scalarbool import ScalarBoolean

M = TypeVar("M", bound=BaseModel)
Loc = tuple[str | int, ...]


MAX_DOCUMENT_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 64
MAX_ALIASES = 50
MAX_VALUES = 20_000
PLAIN_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp", "merge")
)


class _CountedAliases(Composer):
    """A composer that refuses more than `MAX_ALIASES` aliases in one document."""

    aliases = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.parser.check_event(AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                event = self.parser.peek_event()
                raise ConstructorError(
                    None, None, f"more than {MAX_ALIASES} aliases", event.start_mark
                )
        return super().compose_node(parent, index)


class _TextDates(RoundTripConstructor):
    """Plain tags only; dates stay text, so the models parse them and report a bad one."""

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        if node.tag not in PLAIN_TAGS:
            raise ConstructorError(
                None, None, f"the tag {node.tag!r} is not allowed here", node.start_mark
            )
        return super().construct_object(node, deep)


_TextDates.add_constructor("tag:yaml.org,2002:timestamp", _TextDates.construct_yaml_str)


@dataclass(frozen=True)
class Problem:
    file: Path
    line: int | None
    column: int | None
    field: str
    message: str
    hint: str | None = None

    def __str__(self) -> str:
        where = str(self.file)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        text = (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )
        return f"{text} ({self.hint})" if self.hint else text

    def as_dict(self) -> dict[str, object]:
        return {
            "file": str(self.file),
            "line": self.line,
            "column": self.column,
            "field": self.field,
            "message": self.message,
            "hint": self.hint,
        }


class InputError(Exception):
    """One or more problems in an input; nothing was used or written."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def field_path(loc: Iterable[str | int]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class PositionedDocument:
    """Plain data from a YAML/JSON file, plus the line and column of every key and item."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.positions: dict[Loc, tuple[int, int]] = {}
        self._values = 0
        if len(text) > MAX_DOCUMENT_BYTES:
            raise InputError(
                [Problem(path, None, None, "", f"larger than {MAX_DOCUMENT_BYTES:,} characters")]
            )
        yaml = YAML(typ="rt", pure=True)
        yaml.Constructor = _TextDates
        yaml.Composer = _CountedAliases
        yaml.max_depth = MAX_DEPTH
        try:
            root = yaml.load(io.StringIO(text))
        except RecursionError:
            raise InputError(
                [Problem(path, None, None, "", f"nested more than {MAX_DEPTH} levels deep")]
            ) from None
        except MaxDepthExceededError:
            raise InputError(
                [Problem(path, None, None, "", f"nested more than {MAX_DEPTH} levels deep")]
            ) from None
        except MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark is not None else None
            column = mark.column + 1 if mark is not None else None
            problem = (exc.problem or str(exc)).strip()
            raise InputError(
                [Problem(path, line, column, "", f"malformed YAML: {problem}")]
            ) from None
        except YAMLError as exc:
            raise InputError([Problem(path, None, None, "", f"malformed YAML: {exc}")]) from None
        self.data = self._plain(root, ())

    def _plain(self, node: Any, loc: Loc) -> Any:
        self._values += 1
        if self._values > MAX_VALUES:
            raise InputError(
                [
                    Problem(
                        self.path,
                        None,
                        None,
                        "",
                        f"more than {MAX_VALUES:,} values once its aliases are expanded",
                    )
                ]
            )
        if isinstance(node, CommentedMap):
            out: dict[str, Any] = {}
            for key in node:
                line, col = node.lc.key(key)
                self.positions[(*loc, str(key))] = (line + 1, col + 1)
                out[str(key)] = self._plain(node[key], (*loc, str(key)))
            return out
        if isinstance(node, CommentedSeq):
            items = []
            for i, item in enumerate(node):
                line, col = node.lc.item(i)
                self.positions[(*loc, i)] = (line + 1, col + 1)
                items.append(self._plain(item, (*loc, i)))
            return items
        if isinstance(node, str):
            return str(node)
        return node

    def position(self, loc: Loc) -> tuple[int | None, int | None]:
        """The line of the deepest part of `loc` the document has (a missing field's parent)."""
        for end in range(len(loc), 0, -1):
            found = self.positions.get(loc[:end])
            if found is not None:
                return found
        return (1, 1) if self.data is not None else (None, None)


def _model_at(model: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """The model class whose fields are valid at `loc` (for unknown-field suggestions)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = current.model_fields.get(part)
        if info is None:
            return None
        current = _unwrap(info.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    """The model inside list[X], X | None, Annotated[X, ...]."""
    for _ in range(5):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if get_origin(annotation) is None or not args:
            return annotation
        models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
        annotation = models[0] if models else args[0]
    return annotation


def _message(error: Any) -> str:
    msg = str(error["msg"])
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if error["type"] == "missing":
        return "required field is missing"
    if error["type"] == "extra_forbidden":
        return "unknown field"
    if error["type"] in {"enum", "literal_error"}:
        return f"{msg}, got {error.get('input')!r}"
    return msg


def problems_from_validation(
    exc: ValidationError, doc: PositionedDocument, model: type[BaseModel]
) -> list[Problem]:
    problems = []
    for error in exc.errors():
        loc: Loc = tuple(error["loc"])
        line, column = doc.position(loc)
        hint = None
        message = _message(error)
        if error["type"] == "extra_forbidden" and loc:
            parent = _model_at(model, loc[:-1])
            # a model may name fields it no longer has and what replaced them
            retired: dict[str, str] = getattr(parent, "retired_fields", {})
            if str(loc[-1]) in retired:
                message = "no longer a field (older files used it)"
                hint = retired[str(loc[-1])]
            elif parent is not None:
                close = difflib.get_close_matches(str(loc[-1]), list(parent.model_fields), n=1)
                hint = (
                    f"did you mean {close[0]!r}?"
                    if close
                    else ("known fields: " + ", ".join(parent.model_fields))
                )
        problems.append(Problem(doc.path, line, column, field_path(loc), message, hint))
    return problems


def read_document(path: Path, text: str | None = None) -> PositionedDocument:
    if text is None:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(
                [Problem(path, None, None, "", f"cannot read: {exc.strerror}")]
            ) from None
        except UnicodeDecodeError as exc:
            raise InputError([Problem(path, None, None, "", f"not UTF-8 text: {exc}")]) from None
    if path.suffix == ".json":
        try:
            json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(
                [Problem(path, exc.lineno, exc.colno, "", f"malformed JSON: {exc.msg}")]
            ) from None
        except RecursionError:
            raise InputError(
                [Problem(path, None, None, "", f"nested more than {MAX_DEPTH} levels deep")]
            ) from None
    return PositionedDocument(path, text)


def load_model(path: Path, model: type[M], text: str | None = None) -> tuple[M, PositionedDocument]:
    doc = read_document(path, text)
    if not isinstance(doc.data, dict):
        raise InputError(
            [
                Problem(
                    path, 1, 1, "", f"expected a mapping of fields, got {type(doc.data).__name__}"
                )
            ]
        )
    try:
        return validate_strictly(model, doc.data), doc
    except ValidationError as exc:
        raise InputError(problems_from_validation(exc, doc, model)) from None


def validate_strictly(model: type[M], data: Any) -> M:
    """`data` as `model`, with every value the type it claims: the same rules for every path.

    Pydantic's lax mode reads `false` as 0, `"30"` as 30 and `0` as 1970-01-01, so a careless
    file could state facts nobody meant. Validating the data as JSON in strict mode keeps
    what a document can say (enum values, ISO dates as text) and refuses the rest: a boolean
    is not a number, a number is not a date, a string is not a boolean. A whole-number float
    (`34.0`) counts as the integer it is, as in typed Parquet columns.
    """
    return model.model_validate_json(json.dumps(_json_ready(data)), strict=True)


def _json_ready(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_ready(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, ScalarBoolean):  # an anchored YAML boolean: an int subclass
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return int(value) if value.is_integer() else float(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)
