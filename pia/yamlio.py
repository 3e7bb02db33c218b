"""Strict, safe YAML loading that remembers where every value came from.

Why strict: YAML 1.1 turns `no` into False, `010` into 8, `0x48` and `1:12`
into 72, `1_000` into 1000, and lets a duplicate key silently win. In a legal
questionnaire each of those is a wrong answer, so here a duplicate key is an
error, and only plain decimal numbers (`72`, `-3`, `1.5`) are numbers: the
other forms, and dates and yes/no/on/off, stay strings for validation to
judge. Why nodes: every validation message must name the file, line and
column an official can open.

Why bounded: a document is limited in file size, in the number of values and
bytes of text it expands to (anchors and aliases can repeat a value many
times) and in nesting depth counted through aliases. Answers files may not
use anchors and aliases at all (`data_only=True`): they never need them.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from .errors import PiaError, Problem

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BOOL = "tag:yaml.org,2002:bool"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"

# Only plain decimal numbers, with an exponent as JSON writes them (1e-05: the
# draft store keeps JSON). `dump` quotes every string these patterns match.
_DECIMAL_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
_DECIMAL_FLOAT = re.compile(
    r"^(?:[-+]?[0-9]+\.[0-9]*(?:[eE][-+]?[0-9]+)?|[-+]?[0-9]+[eE][-+]?[0-9]+|[-+]?\.[0-9]+(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)

MAX_YAML_BYTES = 20 * 1024 * 1024
MAX_ANSWERS_BYTES = 5 * 1024 * 1024
MAX_NODES = 2_000_000
MAX_DEPTH = 64
MAX_NUMBER_DIGITS = 100  # no answer needs more; keeps every float() of it in range


class StrictLoader(_Base):  # type: ignore[misc,valid-type]
    """Safe loader: duplicate keys are findings, yes/no/on/off and dates stay strings."""

    def __init__(self, stream: str, text_keys: bool = False) -> None:
        super().__init__(stream)
        self.duplicates: list[tuple[yaml.Mark, str]] = []
        self.text_keys = text_keys

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                hash(key)
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    None, None, "a mapping key must be a plain value", key_node.start_mark
                ) from None
            if self.text_keys and not isinstance(key, str):
                raise yaml.constructor.ConstructorError(
                    None, None, f"a key must be text, not {_describe(key)} (quote it)", key_node.start_mark
                )
            if key in seen:
                # Recorded, not raised, so every other problem in the file is reported too.
                self.duplicates.append(
                    (key_node.start_mark, f"duplicate key {key!r} (first on line {seen[key] + 1})")
                )
            seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        """Decimal only, even with an explicit `!!int` tag; bounded before int() sees it."""
        value = str(node.value)
        if not _DECIMAL_INT.match(value):
            raise yaml.constructor.ConstructorError(
                None, None, f"{_clip(value)!r} is not a plain decimal whole number", node.start_mark
            )
        if len(value.lstrip("+-")) > MAX_NUMBER_DIGITS:
            raise yaml.constructor.ConstructorError(
                None, None, f"a number with more than {MAX_NUMBER_DIGITS} digits", node.start_mark
            )
        return int(value)

    def construct_yaml_float(self, node: yaml.ScalarNode) -> float:
        """Decimal only, even with an explicit `!!float` tag (no 1:30 sexagesimal, no 1_0)."""
        value = str(node.value)
        if not _DECIMAL_FLOAT.match(value):
            raise yaml.constructor.ConstructorError(
                None, None, f"{_clip(value)!r} is not a plain decimal number", node.start_mark
            )
        return float(super().construct_yaml_float(node))


StrictLoader.add_constructor(_INT, StrictLoader.construct_yaml_int)
StrictLoader.add_constructor(_FLOAT, StrictLoader.construct_yaml_float)


def _codepoint(character: int | str) -> int:
    """libyaml reports a refused character as a number, PyYAML's reader as a string."""
    return character if isinstance(character, int) else ord(character[:1] or "\0")


def _clip(value: str, n: int = 40) -> str:
    return value if len(value) <= n else value[:n] + "..."


def _describe(key: Any) -> str:
    """A non-text key in words, short and on one line."""
    if key is None:
        return "null (~)"
    return f"{type(key).__name__} {_clip(repr(key))}"


# Copy the resolver table (never mutate SafeLoader's): keep true/false, drop the
# YAML 1.1 yes/no/on/off booleans, the timestamp resolver and the YAML 1.1
# number forms (octal, hex, binary, sexagesimal, underscores); plain decimal
# numbers come back through the two resolvers added below.
StrictLoader.yaml_implicit_resolvers = {
    ch: [
        r
        for r in resolvers
        if not ((r[0] == _BOOL and ch in "yYnNoO") or r[0] in (_TIMESTAMP, _INT, _FLOAT))
    ]
    for ch, resolvers in _Base.yaml_implicit_resolvers.items()
}
StrictLoader.add_implicit_resolver(_INT, _DECIMAL_INT, list("-+0123456789"))
StrictLoader.add_implicit_resolver(_FLOAT, _DECIMAL_FLOAT, list("-+.0123456789"))


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building large acyclic trees.

    Measured: parsing a 10,000-question file took 4.4 s with the collector
    running (it rescans the growing heap again and again) and 1.1 s without.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class Located:
    """A loaded document together with its node tree, for mapping paths to lines."""

    def __init__(self, data: Any, node: yaml.Node | None, source: str, problems: list[Problem] | None = None):
        self.data = data
        self.node = node
        self.source = source
        self.problems: list[Problem] = problems or []  # non-fatal findings, e.g. duplicate keys
        self.sha256 = ""  # of the bytes parsed, where the caller keeps it (questionnaire files)

    def locate(self, path: Sequence[Any]) -> tuple[int, int]:
        """Line and column (1-based) of the deepest node reachable along `path`."""
        node = self.node
        if node is None:
            return (0, 0)
        best = node.start_mark
        for step in path:
            child = _child(node, step)
            if child is None:
                continue  # e.g. a pydantic union tag that is not a key
            if isinstance(child, tuple):  # the key node of a mapping entry
                key_node, node = child
                best = key_node.start_mark
            else:
                node = child
                best = node.start_mark
        return (best.line + 1, best.column + 1)

    def problem(self, path: Sequence[Any], message: str) -> Problem:
        line, col = self.locate(path)
        return Problem(self.source, line, col, format_path(path), message)


def _child(node: yaml.Node, step: Any) -> Any:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == str(step):
                return (key_node, value_node)
        return None
    if isinstance(node, yaml.SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
        return node.value[step]
    return None


def format_path(path: Iterable[Any]) -> str:
    """`sections.2.questions.0.when` — the dotted form people can search for."""
    return ".".join(str(p) for p in path)


def _too_deep(source: str, node: yaml.Node | yaml.Event) -> PiaError:
    line = node.start_mark.line + 1
    return PiaError(Problem(source, line, 1, "", f"nesting deeper than {MAX_DEPTH} levels"))


def _check_size(node: yaml.Node, source: str, max_bytes: int) -> None:
    """Refuse alias bombs and absurd nesting before anything walks the data.

    Anchors and aliases make the node tree a graph in which one node may hang
    at many places. So every node gets, once (memoised), the number of values,
    the bytes of text and the height of the tree it expands to, and the limits
    apply to those: a shared subtree counts wherever it is used, and its
    height adds to the depth of every place it hangs.
    """
    sizes: dict[int, tuple[int, int, int]] = {}  # id -> (values, text bytes, height)
    open_: set[int] = set()  # nodes being expanded: meeting one again is a cycle
    stack: list[tuple[yaml.Node, int]] = [(node, 1)]
    while stack:
        current, depth = stack.pop()
        key = id(current)
        if depth < 0:  # second visit: every child is measured
            open_.discard(key)
            values, size, height = 1, 0, 0
            for child in _children(current):
                if isinstance(child, yaml.ScalarNode):  # most nodes: measured here, not stored
                    values += 1
                    size += _text_bytes(child)
                    height = height or 1
                    continue
                v, b, h = sizes[id(child)]
                values += v
                size += b
                if h > height:
                    height = h
            sizes[key] = (values, size, height + 1)
            if height + 1 > MAX_DEPTH:
                raise _too_deep(source, _deepest(current, sizes))
            if values > MAX_NODES:
                raise PiaError(
                    Problem(source, 1, 1, "", f"document expands to more than {MAX_NODES:,} values (alias bomb?)")
                )
            if size > max_bytes:
                raise PiaError(Problem(
                    source, 1, 1, "", f"document expands to more than {max_bytes:,} bytes of text (alias bomb?)"
                ))
        elif key in sizes:
            continue
        elif key in open_:
            line = current.start_mark.line + 1
            raise PiaError(Problem(source, line, 1, "", "an alias refers to the value that contains it"))
        elif depth > MAX_DEPTH:
            raise _too_deep(source, current)
        elif isinstance(current, yaml.ScalarNode):  # a document that is one scalar
            sizes[key] = (1, _text_bytes(current), 1)
        else:
            open_.add(key)
            stack.append((current, -1))
            stack.extend(
                (child, depth + 1)
                for child in _children(current)
                if not isinstance(child, yaml.ScalarNode) and id(child) not in sizes
            )


def _text_bytes(node: yaml.ScalarNode) -> int:
    value = node.value
    return len(value) if value.isascii() else len(value.encode("utf-8", "surrogatepass"))


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _deepest(node: yaml.Node, sizes: dict[int, tuple[int, int, int]]) -> yaml.Node:
    """The node at depth MAX_DEPTH + 1 on the deepest path below `node`: the line to show."""
    for _ in range(MAX_DEPTH):
        children = _children(node)
        if not children:
            break
        node = max(children, key=lambda c: sizes.get(id(c), (1, 0, 1))[2])  # scalars are not stored
    return node


def _raise_if_too_deep(exc: yaml.MarkedYAMLError, source: str) -> None:
    """Newer libyaml builds refuse deep nesting themselves; say it the same way we do."""
    if "nesting depth" in str(exc.problem or ""):
        mark = exc.problem_mark or exc.context_mark
        raise PiaError(Problem(source, mark.line + 1 if mark else 0, 1, "",
                               f"nesting deeper than {MAX_DEPTH} levels")) from None


def _prescan(text: str, source: str, depth: bool, anchors: bool) -> None:
    """One walk over the parser's events, before composing, for what composing cannot survive or hide.

    - depth: libyaml's composer recurses in C, and a few hundred kilobytes of
      `[[[[` crash the process; the event parser does not recurse.
    - anchors: answers files never need anchors or aliases, and an alias is how
      a small file expands into a huge one; the first one is named with its line.
    Syntax and character errors are left to the real parse, which locates them.
    """
    level = 0
    loader = _Base(text)
    try:
        while loader.check_event():
            event = loader.get_event()
            if anchors and getattr(event, "anchor", None) is not None:
                kind = "alias *" if isinstance(event, yaml.AliasEvent) else "anchor &"
                mark = event.start_mark
                raise PiaError(Problem(
                    source, mark.line + 1, mark.column + 1, "",
                    f"{kind}{_clip(event.anchor)}: anchors and aliases are not allowed in an answers file "
                    "(they can hide an alias bomb); write the value out",
                ))
            if not depth:
                continue
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                level += 1
                if level > MAX_DEPTH:
                    raise _too_deep(source, event)
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                level -= 1
    except yaml.MarkedYAMLError as exc:
        _raise_if_too_deep(exc, source)
    except yaml.YAMLError:
        return
    finally:
        loader.dispose()


def load_text(
    text: str | bytes,
    source: str = "<text>",
    max_bytes: int = MAX_YAML_BYTES,
    collect: bool = False,
    data_only: bool = False,
) -> Located:
    """Parse one YAML document strictly; every failure is a PiaError with a location.

    With collect=True, duplicate keys are returned in `.problems` (so a validator
    can report them together with everything else); otherwise they raise.
    With data_only=True (answers files), anchors, aliases and keys that are not
    text are refused.
    """
    size = len(text.encode("utf-8") if isinstance(text, str) else text)
    if size > max_bytes:
        raise PiaError(Problem(source, 0, 0, "", f"file is {size:,} bytes; the limit is {max_bytes:,}"))
    if isinstance(text, bytes):
        if b"\x00" in text:
            raise PiaError(Problem(source, 0, 0, "", "binary content (NUL byte); expected a YAML text file"))
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise PiaError(Problem(source, 0, 0, "", f"not UTF-8 text (byte {exc.start})")) from None
    if "\x00" in text:
        raise PiaError(Problem(source, 0, 0, "", "binary content (NUL byte); expected a YAML text file"))
    deep = text.count("[") > MAX_DEPTH or text.count("{") > MAX_DEPTH
    marks = data_only and ("&" in text or "*" in text)
    if deep or marks:
        _prescan(text, source, depth=deep, anchors=marks)
    with paused_gc():
        loader = StrictLoader(text, text_keys=data_only)
        try:
            node = loader.get_single_node()
            if node is None:
                return Located(None, None, source)
            _check_size(node, source, max_bytes)
            data = loader.construct_document(node)
            found = [Problem(source, m.line + 1, m.column + 1, "", msg) for m, msg in loader.duplicates]
        except yaml.MarkedYAMLError as exc:
            _raise_if_too_deep(exc, source)
            mark = exc.problem_mark or exc.context_mark
            line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
            message = " ".join(x for x in (exc.context, exc.problem) if x) or "invalid YAML"
            raise PiaError(Problem(source, line, col, "", message)) from None
        except yaml.reader.ReaderError as exc:
            before = text[: exc.position]
            line, col = before.count("\n") + 1, len(before) - before.rfind("\n")
            raise PiaError(Problem(source, line, col, "", f"character U+{_codepoint(exc.character):04X} is not allowed in YAML")) from None
        except yaml.YAMLError as exc:
            raise PiaError(Problem(source, 0, 0, "", f"invalid YAML: {exc}")) from None
        except RecursionError:
            raise PiaError(Problem(source, 0, 0, "", "document nested too deeply")) from None
        except (ValueError, TypeError, OverflowError) as exc:
            # A value the constructors could not turn into data; say so on one line.
            message = " ".join(str(exc).split()) or type(exc).__name__
            raise PiaError(Problem(source, 0, 0, "", f"cannot read a value: {_clip(message, 200)}")) from None
        finally:
            loader.dispose()
    if found and not collect:
        raise PiaError(found)
    return Located(data, node, source, found)


def load_file(
    path: str | Path, max_bytes: int = MAX_YAML_BYTES, collect: bool = False, data_only: bool = False
) -> Located:
    """Read and parse a YAML file; missing or unreadable files become PiaError too."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > max_bytes:
            raise PiaError(Problem(str(path), 0, 0, "", f"file is {size:,} bytes; the limit is {max_bytes:,}"))
        raw = p.read_bytes()
    except FileNotFoundError:
        raise PiaError(Problem(str(path), 0, 0, "", "no such file")) from None
    except IsADirectoryError:
        raise PiaError(Problem(str(path), 0, 0, "", "is a directory, expected a YAML file")) from None
    except OSError as exc:
        raise PiaError(Problem(str(path), 0, 0, "", f"cannot read: {exc.strerror}")) from None
    return load_text(raw, str(path), max_bytes, collect, data_only)


class _Dumper(yaml.SafeDumper):
    """Block style, multi-line strings as literal blocks, no aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)
# So that a string the loader would read as a number (1e3) is written quoted.
_Dumper.add_implicit_resolver(_FLOAT, _DECIMAL_FLOAT, list("-+.0123456789"))


class _CDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """The same output from libyaml's emitter, about eight times faster."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


_CDumper.add_representer(str, _str_representer)
_CDumper.add_implicit_resolver(_FLOAT, _DECIMAL_FLOAT, list("-+.0123456789"))


def dump(data: Any) -> str:
    """Deterministic YAML text: key order as given, unicode kept, wide lines.

    libyaml's emitter writes characters beyond the Basic Multilingual Plane
    (emoji) as \\U escapes; such documents go through the pure-Python emitter
    so people still read what they typed. Both emitters otherwise agree.
    """
    options = dict(sort_keys=False, allow_unicode=True, default_flow_style=False, width=100_000, indent=2)
    text = yaml.dump(data, Dumper=_CDumper, **options)
    if "\\U" in text:
        readable = yaml.dump(data, Dumper=_Dumper, **options)
        # The pure-Python emitter writes NEL (U+0085) unescaped, and every YAML
        # reader turns it into a line break: keep the escaped text in that case.
        if "\x85" not in readable:
            text = readable
    return text
