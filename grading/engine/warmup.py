"""``warm_up()``: pay the engine's one-off costs when a worker starts, not in a learner's first check.

Importing the engine stays fast (the web process needs that): sympy, the slowest import (~0.5 s), is loaded
lazily by ``symbolic`` on the first correct answer. A grading worker calls ``warm_up()`` once at start; it
imports sympy and runs one small question through every stage (parse, shapes, sampling, numeric, symbolic
proof, diagnosis, preview), so the first real check costs what any other does.
"""

from __future__ import annotations

from .compare import check
from .preview import preview

_SYMBOLS = {"M": {"shape": ["k", "k"]}, "u": {"shape": ["k", 1]}}
_EXPECTED = "(M + M^T) u"
_ANSWERS = ("M u + M^T u", "2 M u")  # a correct one (proved by sympy) and a wrong one (diagnosed)


def warm_up() -> None:
    """Import sympy and grade a tiny question once; about 0.6 s in a fresh process, microseconds after."""
    import sympy  # noqa: F401  (the point: the import cost is paid here)

    for answer in _ANSWERS:
        check(_SYMBOLS, _EXPECTED, answer)
    preview(_SYMBOLS, _ANSWERS[0])
