"""Markdown with $…$ and $$…$$ math, rendered to sanitized HTML.

Math is lifted out before Markdown runs (so `_` and `*` inside LaTeX stay literal) and put back as
<span class="math"> elements holding the escaped TeX, which static/js/math.js typesets with the bundled KaTeX.
"""

import re

import markdown as markdown_lib
import nh3
from django.utils.html import escape
from django.utils.safestring import mark_safe

MATH = re.compile(r"(?<!\\)\$\$(.+?)(?<!\\)\$\$|(?<!\\)\$(?!\s)(.+?)(?<![\s\\])\$", re.DOTALL)
ALLOWED_TAGS = {
    "p", "br", "strong", "em", "code", "pre", "ul", "ol", "li", "blockquote", "a", "span",
    "table", "thead", "tbody", "tr", "th", "td", "h3", "h4", "hr", "sup", "sub",
}  # fmt: skip
PLACEHOLDER = "DXAMMATH{}X"


def render_markdown(text):
    formulas = []

    def lift(match):
        display, inline = match.group(1), match.group(2)
        formulas.append((display is not None, display if display is not None else inline))
        return PLACEHOLDER.format(len(formulas) - 1)

    html = markdown_lib.markdown(
        MATH.sub(lift, text or ""), extensions=["fenced_code", "tables", "sane_lists"]
    )
    html = nh3.clean(html, tags=ALLOWED_TAGS, attributes={"a": {"href", "title"}, "code": {"class"}})

    def restore(match):
        display, tex = formulas[int(match.group(1))]
        mode = "display" if display else "inline"
        return f'<span class="math math-{mode}">{escape(tex.strip())}</span>'

    return mark_safe(re.sub(r"DXAMMATH(\d+)X", restore, html))
