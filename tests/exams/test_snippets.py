"""Code in question texts: ```python blocks run, ```pytorch/```jax/```tensorflow blocks parse, other Python is
refused; code is shown as code (no math in it) and placeholders in code take their Python form."""

import time

import pytest

from exams import snippets
from exams.markdown import render_markdown
from exams.question_types import make_variant, validate_content
from tests.exams.contents import content
from tests.exams.snippet_runner import run_snippets

RUNNABLE = "```python\nimport numpy as np\nx = np.ones(3)\nprint(x @ x)\n```\n"


def shape_question(stem: str, **fields) -> dict:
    return content("shape", stem=stem, answer="n×1", **fields)


def test_fenced_blocks_are_found_with_their_info_strings():
    text = f"Run this:\n\n{RUNNABLE}\nor this:\n\n~~~jax\nimport jax\n~~~\n\nand `inline` code."
    assert snippets.code_blocks(text) == [
        snippets.CodeBlock("python", "import numpy as np\nx = np.ones(3)\nprint(x @ x)\n"),
        snippets.CodeBlock("jax", "import jax\n"),
    ]


@pytest.mark.parametrize(
    "stem",
    [
        RUNNABLE,
        "```pytorch\nimport torch\nx = torch.ones(3, requires_grad=True)\n(x * x).sum().backward()\n```\n",
        "```tensorflow\nwith tf.GradientTape() as tape:\n    y = x * x\n```\n",
        # Pseudo-code, shapes and printed output are not Python programs: no marking needed.
        "```\nG = zeros(p, n); for i in 1..m: G += 2 (W x_i - y_i) x_i^T\n```\n",
        "```\ntensor([2., 4., 6.])\n```\n",
        "```text\n(3, 4)\n```\n",
    ],
)
def test_marked_code_and_code_that_is_not_python_are_accepted(stem):
    assert validate_content(shape_question(stem)) == {}


@pytest.mark.parametrize(
    ("stem", "problem"),
    [
        ("```\nimport numpy as np\n```\n", "A code block that reads as Python is not marked"),
        ("```py\nx = 1\n```\n", "A code block that reads as Python is marked ```py: mark it ```python"),
        ("```numpy\nfor i in range(3):\n    pass\n```\n", "is marked ```numpy"),
        ("```python\nx = (1,\n```\n", "The ```python block is not valid Python: '(' was never closed"),
        ("```jax\ndef f(x) return x\n```\n", "The ```jax block is not valid Python"),
    ],
)
def test_python_that_no_check_would_run_is_refused(stem, problem):
    errors = validate_content(shape_question(stem))
    assert any(problem in message for message in errors["stem"]), errors


def test_code_in_hints_options_and_solutions_is_checked_too():
    question = content(
        "single_choice",
        options=[
            {"id": "a", "text": "```\nimport torch\n```\n", "correct": True, "feedback": ""},
            {"id": "b", "text": "Nothing", "correct": False, "feedback": ""},
        ],
        hints=["```python\nprint(\n```\n"],
        solution="```\ny = 2\n```\n",
    )
    assert set(validate_content(question)) == {"options", "hints", "solution"}


def test_code_of_every_pool_option_is_checked_not_only_those_a_variant_shows():
    options = [{"id": "a", "text": "Right", "correct": True, "feedback": ""}] + [
        {"id": chr(98 + index), "text": f"Wrong {index}", "correct": False, "feedback": ""}
        for index in range(4)
    ]
    options[4]["text"] = "```\nx = 1\n```\n"
    question = content("single_choice", options=options, pool={"show": 2})
    assert "options" in validate_content(question)


def test_placeholders_in_code_take_their_python_form_and_math_elsewhere():
    question = shape_question(
        "$M = {{M}}$, $c = {{c}}$.\n\n```python\nimport numpy as np\nM = np.array({{M}})\nc = {{c}}\n```\n"
        "Inline: `np.full(2, {{c}})`.",
        parameters={"M": {"expr": "[[1, 2], [3, 4]]"}, "c": {"expr": "2 / 9"}},
    )
    stem = make_variant(question, 0).content["stem"]
    assert r"$M = \begin{bmatrix} 1 & 2 \\ 3 & 4 \end{bmatrix}$, $c = \tfrac{2}{9}$." in stem
    assert "M = np.array([[1, 2], [3, 4]])\nc = 2/9\n" in stem
    assert "`np.full(2, 2/9)`" in stem
    assert validate_content(question) == {}


def test_dollar_signs_in_code_are_not_math():
    html = render_markdown(
        "Price `cost = $5` and $a_1$.\n\n```python\nlabel = '$x$'\n```\n\nThen $$b^2$$ and `$`."
    )
    assert "<code>cost = $5</code>" in html
    assert "<code class=\"language-python\">label = '$x$'\n</code>" in html.replace("&#39;", "'")
    assert '<span class="math math-inline">a_1</span>' in html
    assert '<span class="math math-display">b^2</span>' in html
    assert "<code>$</code>" in html
    assert html.count('class="math') == 2


def test_illustrative_blocks_are_labelled_by_their_framework():
    html = render_markdown("```pytorch\nimport torch\n```\n")
    assert '<pre><code class="language-pytorch">import torch\n</code></pre>' in html


def test_the_runner_reports_each_snippets_exception_and_isolates_them():
    results = run_snippets(
        [
            "import numpy as np\nimport sympy as sp\nassert np.ones(2) @ np.ones(2) == 2\nshared = 1",
            "shared + 1",
            "import numpy as np\nnp.ones((2, 3)) @ np.ones((2, 3))",
            "raise SystemExit(3)",
            "print('no output reaches the result')",
        ]
    )
    assert results[0] is None
    assert results[1] == "NameError: name 'shared' is not defined"
    assert results[2].startswith("ValueError: matmul: Input operand 1 has a mismatch")
    assert results[3] == "SystemExit: 3"
    assert results[4] is None


def test_the_runner_stops_a_snippet_that_runs_too_long():
    assert run_snippets(["while True:\n    pass", "x = 1"], seconds=0.5) == ["ran longer than 0.5 s", None]


def test_fences_are_read_as_markdown_reads_them():
    text = "```python\nopen = 1\n\n````\n```\n\n````jax\n```\ninner\n```\n````\n\n```\nnever closed\n"
    assert snippets.code_blocks(text) == [
        snippets.CodeBlock("python", "open = 1\n\n````\n"),
        snippets.CodeBlock("jax", "```\ninner\n```\n"),
    ]
    # An inline span never crosses a blank line, so the second paragraph pairs its own backticks.
    assert [piece for piece, code in snippets.split_code("`a\n\nb` and `c`") if code] == ["` and `"]


@pytest.mark.parametrize(
    "text",
    ["`" * 20_000, "~~~x\n" * 4_000, "".join("`" * k + "a" for k in range(1, 150)), "$`" * 10_000],
)
def test_texts_full_of_fences_and_backticks_are_split_without_backtracking(text):
    # Guards against catastrophic backtracking: the first of these took over a minute with a naive regex.
    started = time.perf_counter()
    list(snippets.split_code(text))
    snippets.problems(text)
    assert time.perf_counter() - started < 2
