"""The Jinja sandbox for Word templates: a template sees plain data and nothing else.

Jinja's own sandbox only blocks underscore attributes and mutating methods of
builtin containers; every public method of any other object stays callable.
One live object in the context (docxtpl's InlineImage, whose `.tpl` is the
DocxTemplate) was enough to write files from a template (review F1). So two
layers, each enough on its own:

1. the context handed to Jinja is checked to hold only plain data
   (`check_plain`), and the matrix picture goes in as a placeholder string;
2. the environment lets a template reach attributes and call methods of
   plain data and of Jinja's own loop/namespace/macro objects only.
"""

from __future__ import annotations

import types
from typing import Any

from jinja2 import StrictUndefined, nodes
from jinja2.runtime import LoopContext, Macro
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import Namespace
from markupsafe import Markup

from ..errors import PiaError

PLAIN_TYPES: tuple[type, ...] = (dict, list, tuple, str, int, float, bool, type(None))
_JINJA_OBJECTS: tuple[type, ...] = (Markup, LoopContext, Namespace, Macro)
GLOBALS = ("range", "namespace", "dict")
PICTURE_NAMES = frozenset({"matrix_image"})


def _data_like(obj: Any) -> bool:
    return type(obj) in PLAIN_TYPES or isinstance(obj, _JINJA_OBJECTS)


class DataOnlyEnvironment(ImmutableSandboxedEnvironment):
    """An immutable sandbox that only traverses plain data (defence in depth behind `check_plain`)."""

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        return _data_like(obj) and super().is_safe_attribute(obj, attr, value)

    def is_safe_callable(self, obj: Any) -> bool:
        if not super().is_safe_callable(obj):
            return False
        if any(obj is g for g in self.globals.values()) or isinstance(obj, (Macro, LoopContext)):
            return True
        wrapped = getattr(obj, "__wrapped__", None) if isinstance(obj, types.FunctionType) else None
        if wrapped is not None:  # Jinja's own sandboxed str.format wrapper
            obj = wrapped
        if isinstance(obj, (types.BuiltinMethodType, types.MethodType)):
            return _data_like(getattr(obj, "__self__", None))
        return False


def make_env() -> DataOnlyEnvironment:
    """The only Jinja environment reports are rendered with."""
    env = DataOnlyEnvironment(undefined=StrictUndefined, autoescape=True)
    for name in list(env.globals):
        if name not in GLOBALS:
            del env.globals[name]
    return env


def check_plain(ctx: Any, what: str = "report data") -> None:
    """Refuse any value a template could call methods on: only dict/list/tuple/str/numbers/bool/None."""
    stack: list[tuple[Any, str]] = [(ctx, "")]
    while stack:
        value, path = stack.pop()
        if type(value) not in PLAIN_TYPES:
            raise PiaError(f"{what} holds a {type(value).__name__} at {path or 'the top'}; "
                           "templates may only be given plain data")
        if isinstance(value, dict):
            for key, item in value.items():
                if type(key) is not str:
                    raise PiaError(f"{what} has a non-text key {key!r} at {path or 'the top'}")
                stack.append((item, f"{path}.{key}" if path else key))
        elif isinstance(value, (list, tuple)):
            stack.extend((item, f"{path}[{i}]") for i, item in enumerate(value))


def unsafe_access(ast: nodes.Template) -> list[tuple[int, str]]:
    """(line, what) for each reach for internals or into the picture placeholder, found without rendering."""
    found = []
    for node in ast.find_all((nodes.Getattr, nodes.Getitem)):
        attr = node.attr if isinstance(node, nodes.Getattr) else (
            node.arg.value if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str) else None)
        if attr and attr.startswith("_"):
            found.append((node.lineno, f"reaches for Python internals ({attr!r}); "
                                       "templates may only use the report data"))
        elif isinstance(node.node, nodes.Name) and node.node.name in PICTURE_NAMES:
            found.append((node.lineno, f"reaches into {node.node.name} (.{attr or '[...]'}); it is only a "
                                       f"picture placeholder: write {{{{ {node.node.name} }}}} on its own"))
    return found
