"""Validate a question's symbol declaration and normalise it into a hashable ``Declaration``.

``{"A": {"shape": ["n", "n"], "assume": ["symmetric"]}, "x": {"shape": ["n", 1]}}`` becomes a tuple of
``SymbolSpec`` plus the dimension letters, keyed by canonical JSON so that every cache in the engine can use
it. Everything wrong here is the author's mistake, so it raises ``ConfigError``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache

from .dims import Dim, KnownShape
from .errors import ConfigError

ASSUMPTIONS = ("symmetric", "spd", "invertible", "orthogonal", "diagonal", "positive")
SQUARE_ONLY = frozenset(ASSUMPTIONS) - {"positive"}
# Pairs the samplers cannot satisfy together (an orthogonal matrix with positive entries is a permutation).
INCOMPATIBLE = (frozenset({"orthogonal", "positive"}), frozenset({"orthogonal", "spd"}))

NAME_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
MAX_NAME_LENGTH = 32
MAX_SYMBOLS = 40
MAX_FIXED_SIZE = 50
RESERVED_NAMES = frozenset({"T"})  # ``A^T`` must always mean a transpose


@dataclass(frozen=True, slots=True)
class SymbolSpec:
    name: str
    shape: KnownShape
    assumptions: frozenset[str]

    @property
    def is_square(self) -> bool:
        return self.shape[0] == self.shape[1]


@dataclass(frozen=True, slots=True)
class Declaration:
    key: str  # canonical JSON of what the author wrote; equal keys mean equal declarations
    symbols: tuple[SymbolSpec, ...] = field(compare=False)
    dimension_names: tuple[str, ...] = field(compare=False)
    by_name: dict[str, SymbolSpec] = field(compare=False, repr=False)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(spec.name for spec in self.symbols)


def declare(symbols: object) -> Declaration:
    return _declare(canonical_key(symbols))


def canonical_key(symbols: object) -> str:
    if not isinstance(symbols, dict):
        raise ConfigError("symbols must be an object mapping names to {'shape': [...], 'assume': [...]}")
    try:
        return json.dumps(symbols, sort_keys=True, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as error:
        raise ConfigError(f"symbols must be plain JSON: {error}") from None


@lru_cache(maxsize=1024)
def _declare(key: str) -> Declaration:
    raw = json.loads(key)
    if not raw:
        raise ConfigError("declare at least one symbol")
    if len(raw) > MAX_SYMBOLS:
        raise ConfigError(f"at most {MAX_SYMBOLS} symbols may be declared")
    specs = tuple(_symbol(name, raw[name]) for name in sorted(raw))
    dimension_names = tuple(
        sorted({letter for spec in specs for size in spec.shape for letter in size.letters})
    )
    clashes = sorted(set(dimension_names) & set(raw))
    if clashes:
        raise ConfigError(f"{', '.join(clashes)} is declared both as a symbol and as a dimension")
    return Declaration(
        key=key, symbols=specs, dimension_names=dimension_names, by_name={spec.name: spec for spec in specs}
    )


def _symbol(name: str, entry: object) -> SymbolSpec:
    if not NAME_PATTERN.match(name) or len(name) > MAX_NAME_LENGTH:
        raise ConfigError(f"symbol name {name!r} must be letters, digits and _ starting with a letter")
    if name in RESERVED_NAMES:
        raise ConfigError(f"{name!r} cannot be a symbol: it is reserved for the transpose A^{name}")
    if not isinstance(entry, dict):
        raise ConfigError(f"{name}: expected an object like {{'shape': ['n', 1]}}")
    unknown = set(entry) - {"shape", "assume"}
    if unknown:
        raise ConfigError(f"{name}: unknown keys {sorted(unknown)} (use 'shape' and 'assume')")
    shape = _shape(name, entry.get("shape", [1, 1]))
    assumptions = _assumptions(name, entry.get("assume", []))
    if assumptions & SQUARE_ONLY and shape[0] != shape[1]:
        raise ConfigError(f"{name}: {', '.join(sorted(assumptions & SQUARE_ONLY))} needs a square shape")
    for pair in INCOMPATIBLE:
        if pair <= assumptions:
            raise ConfigError(f"{name}: the assumptions {' and '.join(sorted(pair))} cannot be combined")
    return SymbolSpec(name=name, shape=shape, assumptions=assumptions)


def _shape(name: str, shape: object) -> KnownShape:
    if not isinstance(shape, list) or len(shape) != 2:
        raise ConfigError(f"{name}: shape must be a list of two dimensions, like ['n', 1]")
    return (_dimension(name, shape[0]), _dimension(name, shape[1]))


def _dimension(name: str, value: object) -> Dim:
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_FIXED_SIZE:
        return Dim.of(value)
    if isinstance(value, str) and NAME_PATTERN.match(value) and len(value) <= MAX_NAME_LENGTH:
        return Dim.of(value)
    raise ConfigError(
        f"{name}: a dimension must be a letter such as 'n' or an integer from 1 to {MAX_FIXED_SIZE}, "
        f"not {value!r}"
    )


def _assumptions(name: str, assume: object) -> frozenset[str]:
    if isinstance(assume, str):
        assume = [assume]
    if not isinstance(assume, list) or not all(isinstance(item, str) for item in assume):
        raise ConfigError(f"{name}: assume must be a list of strings")
    unknown = sorted(set(assume) - set(ASSUMPTIONS))
    if unknown:
        raise ConfigError(f"{name}: unknown assumption {unknown[0]!r}; choose from {', '.join(ASSUMPTIONS)}")
    return frozenset(assume)
