"""Light value classes for what a warm run creates at import: immutable records with equality,
hash and repr over their fields, like `@dataclass(frozen=True)`.

A dataclass writes and compiles its methods with `exec` when its module is imported (~0.5 ms per
class; cityai had ~20 of them on the path of every command, ~10 ms of a ~100 ms run). Here a
class either lists its fields in `__slots__` and writes its `__init__` by hand, or (`Record`) is
declared like a dataclass, annotations and defaults, and gets `__slots__` and one shared
`__init__` from that declaration (written for the class once it makes many records).
"""

from __future__ import annotations

from operator import attrgetter
from typing import TYPE_CHECKING, Any, ClassVar, Dict, Tuple, TypeVar

_set = object.__setattr__


class Frozen:
    """Fields in `__slots__`, set once in `__init__`; equal when of the same class with equal
    fields; hashable when the fields are; assigning or deleting a field raises AttributeError."""

    __slots__ = ()
    _fields: ClassVar[Tuple[str, ...]] = ()
    _values = staticmethod(lambda self: ())

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        fields = cls._declared_fields()
        cls._fields = fields
        getter = attrgetter(*fields) if len(fields) > 1 else (lambda self: (getattr(self, fields[0]),))
        cls._values = staticmethod(getter)  # type: ignore[assignment,arg-type]

    @classmethod
    def _declared_fields(cls) -> Tuple[str, ...]:
        """The fields: every `__slots__` name, from the base classes down."""
        return tuple(name for klass in reversed(cls.__mro__) for name in getattr(klass, "__slots__", ()))

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


class _Declared(type):
    """Turns a class body of annotations (and defaults) into `__slots__`, `_fields`, `_types`
    (each field's annotation, as text) and `_defaults`, before the class is made (slots must
    be known then)."""

    def __new__(mcs, name: str, bases: tuple, namespace: Dict[str, Any], **kwargs: Any):
        annotations = namespace.get("__annotations__", {})
        if "__slots__" not in namespace:
            fields = tuple(field for field, kind in annotations.items() if not str(kind).startswith("ClassVar"))
            namespace["_defaults"] = {field: namespace.pop(field) for field in fields if field in namespace}
            namespace["_types"] = {field: str(annotations[field]) for field in fields}
            namespace["__slots__"] = fields
        return super().__new__(mcs, name, bases, namespace, **kwargs)


_MADE: Dict[type, int] = {}  # records made so far by the generic __init__, per class
# Records of one class before its own __init__ is written (see _declared_init), and rows of a
# table before its reader is (compiled.Stored): above the bundled base's largest table (70 scopes).
COMPILE_AFTER = 200


def _declared_init(self, *args: Any, **kwargs: Any) -> None:
    """Fields in declared order, positionally or by name; defaults for the rest. A class that
    makes many records (a large base read from the cache) then gets its own `__init__`, written
    as a dataclass writes it (a loop costs each record ~70% more); one that makes a few never
    pays for writing it (~0.1 ms each, as much as reading a base's definitions)."""
    cls = type(self)
    made = _MADE[cls] = _MADE.get(cls, 0) + 1
    if made > COMPILE_AFTER:
        cls.__init__ = _written_init(cls)  # type: ignore[misc]
        return cls.__init__(self, *args, **kwargs)
    fields = cls._fields
    if len(args) > len(fields):
        raise TypeError(f"{cls.__name__}() takes {len(fields)} fields but {len(args)} were given")
    for name, value in zip(fields, args):
        _set(self, name, value)
    defaults = cls._defaults
    for name in fields[len(args) :]:
        if name in kwargs:
            _set(self, name, kwargs.pop(name))
        elif name in defaults:
            _set(self, name, defaults[name])
        else:
            raise TypeError(f"{cls.__name__}() missing the field {name!r}")
    if kwargs:
        raise TypeError(f"{cls.__name__}() got an unexpected field {next(iter(kwargs))!r}")


def _written_init(cls: type) -> Any:
    fields, defaults = cls._fields, cls._defaults  # type: ignore[attr-defined]
    namespace: Dict[str, Any] = {"_set": _set, **{f"default_{name}": value for name, value in defaults.items()}}
    parameters = ", ".join(f"{name}=default_{name}" if name in defaults else name for name in fields)
    body = "".join(f"\n    _set(self, {name!r}, {name})" for name in fields) or "\n    pass"
    exec(f"def __init__(self, {parameters}):{body}", namespace)  # noqa: S102
    return namespace["__init__"]


if TYPE_CHECKING:  # mypy reads the declaration as a frozen dataclass's (PEP 681)
    from typing_extensions import dataclass_transform
else:

    def dataclass_transform(**_options):
        return lambda cls: cls


@dataclass_transform(frozen_default=True)
class Record(Frozen, metaclass=_Declared):
    """A record declared once, like a frozen dataclass: `name: type` and `name: type = default`
    lines. The compiled cache (compiled.py) derives its tables, writes and reads from the same
    declaration (`_fields`, `_types`)."""

    __slots__ = ()
    _defaults: ClassVar[Dict[str, Any]] = {}
    _types: ClassVar[Dict[str, str]] = {}
    __init__ = _declared_init


if TYPE_CHECKING:  # only mypy reads it (annotations are text here)
    _Self = TypeVar("_Self", bound="DictRecord")


@dataclass_transform(frozen_default=True)
class DictRecord(Frozen):
    """A record declared like `Record` (its own `name: type` lines, in order, no defaults) whose
    fields live in the instance's `__dict__`, like a frozen dataclass's, without the ~0.4-0.7 ms a
    dataclass costs at import: a reader may fill a record's `__dict__` at once (compiled.Stored,
    120,000 facts at scale) and a field may be left to compute on first use (records.cite_later).
    Immutable, equal, hashed and shown by its fields as `Frozen`; `replace` makes a changed copy."""

    # No __slots__ here: the fields are in each instance's __dict__.
    _types: ClassVar[Dict[str, str]] = {}
    _defaults: ClassVar[Dict[str, Any]] = {}

    @classmethod
    def _declared_fields(cls) -> Tuple[str, ...]:
        """The fields: this class's own annotations (ClassVar aside), which `_types` keeps as text."""
        declared = vars(cls).get("__annotations__", {})
        cls._types = {name: str(kind) for name, kind in declared.items() if not str(kind).startswith("ClassVar")}
        cls._defaults = {}
        return tuple(cls._types)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        fields = self._fields
        if not kwargs and len(args) == len(fields):  # every field in order: a cold run makes 120,000 facts
            self.__dict__.update(zip(fields, args))
            return
        if len(args) > len(fields):
            raise TypeError(f"{type(self).__name__}() takes {len(fields)} fields but {len(args)} were given")
        values = dict(zip(fields, args))
        for name, value in kwargs.items():
            if name not in fields or name in values:
                raise TypeError(f"{type(self).__name__}() got an unexpected or repeated field {name!r}")
            values[name] = value
        missing = [name for name in fields if name not in values]
        if missing:
            raise TypeError(f"{type(self).__name__}() missing the field {missing[0]!r}")
        self.__dict__.update((name, values[name]) for name in fields)

    def replace(self: _Self, **changes: Any) -> _Self:
        """A copy with `changes` (by field name), as `dataclasses.replace` makes one."""
        values = {name: getattr(self, name) for name in self._fields}
        values.update(changes)  # a name that is no field: __init__ refuses it
        return type(self)(**values)
