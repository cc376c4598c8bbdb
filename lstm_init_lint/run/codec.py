"""The model's frozen dataclasses to JSON values and back, exactly.

``Finding.to_json`` is the public report, shaped for readers (it leaves out
what only the rules use, such as an initialiser's ``entry_std``). The cache
needs the opposite: every field, rebuilt to an equal object. The field types
say how: dataclasses become objects, enums their values, tuples lists.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import types
import typing
from typing import Any


def encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: encode(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (tuple, list)):
        return [encode(item) for item in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot encode {type(value).__name__}")


def decode(kind: Any, data: Any) -> Any:
    """Rebuild a value of type ``kind`` from ``encode``'s output; raises
    ``ValueError`` when ``data`` does not have that shape."""
    if kind is Any:
        return data
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        for option in typing.get_args(kind):
            if option is type(None):
                if data is None:
                    return None
                continue
            try:
                return decode(option, data)
            except ValueError:
                continue
        raise ValueError(f"no option of {kind} fits {data!r}")
    if origin is tuple:
        if not isinstance(data, list):
            raise ValueError(f"expected a list, got {data!r}")
        args = typing.get_args(kind)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(decode(args[0], item) for item in data)
        if len(args) != len(data):
            raise ValueError(f"expected {len(args)} items, got {len(data)}")
        return tuple(decode(arg, item) for arg, item in zip(args, data))
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        try:
            return kind(data)
        except ValueError:
            raise ValueError(f"{data!r} is not a {kind.__name__}") from None
    if dataclasses.is_dataclass(kind):
        if not isinstance(data, dict):
            raise ValueError(f"expected an object for {kind.__name__}, got {data!r}")
        hints = _field_types(kind)
        try:
            return kind(**{name: decode(hints[name], item) for name, item in data.items()})
        except (KeyError, TypeError) as error:
            raise ValueError(f"bad {kind.__name__}: {error}") from None
    if kind is float and isinstance(data, int) and not isinstance(data, bool):
        return float(data)
    if isinstance(kind, type) and isinstance(data, kind) and not (kind is int and isinstance(data, bool)):
        return data
    raise ValueError(f"expected {kind}, got {data!r}")


@functools.lru_cache(maxsize=None)
def _field_types(kind: type) -> dict[str, Any]:
    return typing.get_type_hints(kind)
