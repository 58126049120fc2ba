"""Light value classes for what a warm run creates at import: immutable records with equality,
hash and repr over their fields, like `@dataclass(frozen=True)`.

A dataclass writes and compiles its methods with `exec` when its module is imported (~0.5 ms per
class; cityai had ~20 of them on the path of every command, ~10 ms of a ~100 ms run). Here each
class lists its fields in `__slots__` and writes its `__init__` by hand (setting fields with
`object.__setattr__`, as a frozen dataclass does); this base adds the rest once.
"""

from __future__ import annotations

from operator import attrgetter
from typing import ClassVar, Tuple

_set = object.__setattr__


class Frozen:
    """Fields in `__slots__`, set once in `__init__`; equal when of the same class with equal
    fields; hashable when the fields are; assigning or deleting a field raises AttributeError."""

    __slots__ = ()
    _fields: ClassVar[Tuple[str, ...]] = ()
    _values = staticmethod(lambda self: ())

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        fields = tuple(name for klass in reversed(cls.__mro__) for name in getattr(klass, "__slots__", ()))
        cls._fields = fields
        getter = attrgetter(*fields) if len(fields) > 1 else (lambda self: (getattr(self, fields[0]),))
        cls._values = staticmethod(getter)  # type: ignore[assignment,arg-type]

    def __setattr__(self, name: str, value) -> None:
        raise AttributeError(f"cannot assign to field {name!r} of an immutable {type(self).__name__}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r} of an immutable {type(self).__name__}")

    def __eq__(self, other):
        if other.__class__ is self.__class__:
            return self is other or self._values(self) == other._values(other)
        return NotImplemented

    def __ne__(self, other):
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    def __hash__(self) -> int:
        return hash(self._values(self))

    def __repr__(self) -> str:
        return (
            f"{type(self).__qualname__}(" + ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields) + ")"
        )
