"""Question content as plain data, for tests of the rules that work on content alone."""


def content(kind: str, **fields) -> dict:
    """A minimal question of the given type; ``fields`` override or add any key."""
    base = {
        "type": kind,
        "title": "T",
        "stem": "S",
        "solution": "Sol",
        "difficulty": 2,
        "tags": [],
        "hints": [],
        "options": [],
        "answer": "",
        "symbols": {},
        "function": "",
        "wrt": "",
        "abs_tolerance": None,
        "rel_tolerance": None,
        "parameters": {},
    }
    return {**base, **fields}
