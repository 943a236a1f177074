"""Cheap screening of raw text before any parsing: length and characters.

Everything here is a linear scan, so even a hostile input is rejected within microseconds. The other limits
live where they are measured: bracket nesting in ``lexer``, exponents, sizes and depth in ``parser``,
intermediate matrix sizes in ``numeric``.
"""

from __future__ import annotations

import unicodedata

MAX_LENGTH = 2000
_WHITESPACE_CONTROLS = frozenset("\t\n\r")


def screen(text: object) -> str | None:
    """A learner-facing reason to reject ``text`` outright, or None if it may be parsed."""
    if not isinstance(text, str):
        return "The answer must be text"
    if len(text) > MAX_LENGTH:
        return f"The answer is too long: {len(text):,} characters, the limit is {MAX_LENGTH:,}"
    if not text.isprintable():
        for index, char in enumerate(text):
            allowed = (
                char.isprintable() or char in _WHITESPACE_CONTROLS or unicodedata.category(char)[0] == "Z"
            )
            if not allowed:
                kind = (
                    "a NUL byte"
                    if char == "\x00"
                    else f"a control or invisible character (U+{ord(char):04X})"
                )
                return f"The answer contains {kind} at column {index + 1}; retype it without that character"
    if not text.strip():
        return "The answer is empty"
    return None
