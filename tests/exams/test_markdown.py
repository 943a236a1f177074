"""Rendering a plain line without the Markdown converter gives exactly what the converter gives."""

import pytest

from exams.markdown import MATH, PLACEHOLDER, converted, converted_in_full, is_plain_line, render_markdown
from exams.question_types import make_variant
from tests.exams.shipped import is_randomized, shipped_entries


def texts_of(content: dict) -> list[str]:
    options = content.get("options") or []
    texts = [
        content.get("title"),
        content.get("stem"),
        content.get("solution"),
        *(content.get("hints") or []),
    ]
    texts += [option.get("text") for option in options] + [option.get("feedback") for option in options]
    return [text for text in texts if text]


def shipped_texts() -> list[str]:
    texts = []
    for entry in shipped_entries():
        texts += texts_of(entry.content)
        if is_randomized(entry.content):
            texts += texts_of(make_variant(entry.content, seed=7).content)
    return texts


def lifted(text: str) -> str:
    """What the converter is given: the text with its math replaced by placeholders."""
    return MATH.sub(lambda match: PLACEHOLDER.format(0), text)


def test_every_shipped_plain_line_renders_as_the_converter_renders_it():
    texts = [lifted(text) for text in shipped_texts()]
    plain = [text for text in texts if is_plain_line(text)]
    assert len(plain) > len(texts) / 2, "most of the bank's texts are plain lines"
    different = [text for text in plain if f"<p>{text}</p>" != converted_in_full(text)]
    assert different == []


@pytest.mark.parametrize(
    "text",
    [
        "Compute the gradient of DXAMMATH0X with respect to DXAMMATH1X.",
        'The "outer" product (column times row), 3.14 and 2:1 ratios; {a} + {b} = 100%',
        "é × ü → ∂f/∂x, a  b with two spaces",
        "Note (a) and (b)? Yes.",
    ],
)
def test_plain_lines(text):
    assert is_plain_line(text)
    assert f"<p>{text}</p>" == converted_in_full(text)


@pytest.mark.parametrize(
    "text",
    [
        "1. a list",
        "2) a list",
        "- a list",
        "+ a list",
        "* a list",
        "# a heading",
        "= not a heading",
        "***",
        "---",
        "-- -",
        "+++",
        "===",
        "-1 is negative",
        "foo\rbar",
        "foo\fbar",
        "a *stressed* word",
        "a_b",
        "`code`",
        "[a link](https://example.com)",
        "x < y & z",
        "a | table",
        "two\nlines",
        " leading space",
        "trailing space ",
        "    code block",
        "non\u00a0breaking",
        "",
    ],
)
def test_lines_with_markdown_or_html_go_through_the_converter(text):
    assert not is_plain_line(text)


def test_rendered_math_is_restored_in_a_plain_line():
    assert render_markdown("Let $A^T$ be the transpose.") == (
        '<p>Let <span class="math math-inline">A^T</span> be the transpose.</p>'
    )


def test_texts_differing_only_in_their_math_share_one_conversion_and_keep_their_own_math():
    """A randomized question's variants differ inside their math: the conversion of the rest is reused."""
    template = "Let **M** be ${}$.\n\n- its trace\n- its rank"
    converted.cache_clear()
    first, second = render_markdown(template.format("a = 1")), render_markdown(template.format("a = 2"))
    assert converted.cache_info().misses == 1 and converted.cache_info().hits == 1
    assert '<span class="math math-inline">a = 1</span>' in first
    assert '<span class="math math-inline">a = 2</span>' in second
    assert first.replace("a = 1", "a = 2") == second
    assert "<strong>M</strong>" in first and "<li>its trace</li>" in first
