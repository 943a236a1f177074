"""Markdown with $…$ and $$…$$ math, rendered to sanitized HTML.

Math is lifted out before Markdown runs (so `_` and `*` inside LaTeX stay literal) and put back as
<span class="math"> elements holding the escaped TeX, which static/js/math.js typesets with the bundled KaTeX.
Code (fenced blocks and `inline spans`) is left alone, so a `$` in code stays a dollar sign; a fenced block's
info string becomes its class (language-python, language-pytorch …), which the stylesheet labels.
"""

import re
import threading
from functools import lru_cache

import markdown as markdown_lib
import nh3
from django.utils.html import escape
from django.utils.safestring import mark_safe

from exams import snippets

MATH = re.compile(r"(?<!\\)\$\$(.+?)(?<!\\)\$\$|(?<!\\)\$(?!\s)(.+?)(?<![\s\\])\$", re.DOTALL)
ALLOWED_TAGS = {
    "p", "br", "strong", "em", "code", "pre", "ul", "ol", "li", "blockquote", "a", "span",
    "table", "thead", "tbody", "tr", "th", "td", "h3", "h4", "hr", "sup", "sub",
}  # fmt: skip
PLACEHOLDER = "DXAMMATH{}X"
# A line Markdown would leave as it is: one paragraph, no character that starts Markdown or HTML syntax, no
# list, heading or rule marker in front. Seven in ten of the bank's texts (titles, options, most stems) are
# such a line once their math is lifted out; wrapping it in <p> is what converting and sanitizing it give
# (tests/exams/test_markdown.py checks every shipped text both ways), at a fraction of the cost.
PLAIN_LINE = re.compile(r"[^\n\r\f\v\\`*_\[\]<>&#|~!\u00a0\t]+")
BLOCK_MARKER = re.compile(r"[-+=]|\d+[.)](\s|$)")


# Question texts come from frozen versions and variants, so the same few thousand texts are rendered again
# and again (every question page, every result page): each process renders a text once. Rendering is a
# pure function of the text; entries are a few kilobytes of HTML. The conversion is kept by the text with
# its math lifted out as well: nine in ten randomized texts differ between variants only inside their math,
# so a variant never seen before (every question of a results page) still reuses its question's conversion.
RENDERED_TEXTS_KEPT = 4096


_converters = threading.local()


def _converter() -> markdown_lib.Markdown:
    """This thread's Markdown converter: building one (loading its extensions) costs as much as converting
    a text, and a converter must not be shared between threads."""
    converter = getattr(_converters, "converter", None)
    if converter is None:
        converter = _converters.converter = markdown_lib.Markdown(
            extensions=["fenced_code", "tables", "sane_lists"]
        )
    return converter


@lru_cache(maxsize=RENDERED_TEXTS_KEPT)
def render_markdown(text):
    formulas = []

    def lift(match: re.Match) -> str:
        display, inline = match.group(1), match.group(2)
        formulas.append((display is not None, display if display is not None else inline))
        return PLACEHOLDER.format(len(formulas) - 1)

    lifted = "".join(
        piece if is_code else MATH.sub(lift, piece) for piece, is_code in snippets.split_code(text or "")
    )
    html = converted(lifted)

    def restore(match):
        display, tex = formulas[int(match.group(1))]
        mode = "display" if display else "inline"
        return f'<span class="math math-{mode}">{escape(tex.strip())}</span>'

    return mark_safe(re.sub(r"DXAMMATH(\d+)X", restore, html))


@lru_cache(maxsize=RENDERED_TEXTS_KEPT)
def converted(text: str) -> str:
    """Markdown (math lifted out) to sanitized HTML."""
    if is_plain_line(text):
        return f"<p>{text}</p>"
    return converted_in_full(text)


def is_plain_line(text: str) -> bool:
    return text == text.strip() and bool(PLAIN_LINE.fullmatch(text)) and not BLOCK_MARKER.match(text)


def converted_in_full(text: str) -> str:
    html = _converter().reset().convert(text)
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes={"a": {"href", "title"}, "code": {"class"}})
