"""An answer with NumPy or PyTorch markers is read as NumPy computes it; ``A\\b`` solves; ``A^t`` transposes.

The reading is decided per answer: ``np.``, ``numpy.``, ``torch.``, ``@``, ``.T``, ``.mT`` or a method call
make ``*``, ``/`` and ``**`` entrywise, with broadcasting; without them, ``*`` is a matrix product as before.
"""

import pytest

from grading.engine import Preview, check, preview
from grading.engine.lexer import reading
from grading.engine.nodes import BROADCAST, MATMUL, Product
from grading.engine.parser import read
from grading.engine.preview import ENTRYWISE_NOTE
from grading.engine.symbols import declare

SYMBOLS = {
    "A": {"shape": ["n", "n"]},
    "B": {"shape": ["m", "n"]},
    "M": {"shape": ["n", "n"], "assume": ["invertible"]},
    "x": {"shape": ["n", 1]},
    "y": {"shape": ["n", 1]},
    "b": {"shape": ["n", 1]},
    "z": {"shape": ["m", 1]},
    "c": {"shape": [1, 1]},
}
DECLARATION = declare(SYMBOLS)


@pytest.mark.parametrize(
    "answer",
    ["np.dot(A, x)", "numpy.trace(A)", "torch.outer(x, y)", "A @ x", "A.T x", "A.mT", "x.dot(y)", "A.t()"],
)
def test_a_numpy_marker_chooses_the_numpy_reading(answer):
    assert reading(answer) == "numpy"


@pytest.mark.parametrize("answer", ["A x", "A' * x", "A^T x", "x .* y", "1./x", "A**2", "hadamard(x, y)"])
def test_without_a_marker_the_reading_stays_mathematical(answer):
    assert reading(answer) == "math"


def test_star_is_a_matrix_product_without_markers_and_entrywise_with_them():
    assert read(DECLARATION, "x^T * A * x").tree.operators == (MATMUL, MATMUL)
    assert read(DECLARATION, "x.T * A * x").tree.operators == (BROADCAST, BROADCAST)


@pytest.mark.parametrize(
    ("answer", "shape"),
    [
        ("x.T * A", "n×n"),  # a row times a matrix: each row of A scaled entrywise
        ("x * y.T", "n×n"),  # a column times a row: their outer product
        ("np.multiply(A, x)", "n×n"),  # the column is stretched across A
        ("c * x.T", "1×n"),  # a scalar just scales
        ("x * y.T.T", "n×1"),
        ("x.T @ x * x", "n×1"),  # a 1×1 result scales too
        ("x + 1 + np.sum(x)", "n×1"),  # sums broadcast a scalar
        ("x.T - x", "n×n"),
        ("1 / (1 + np.exp(-x))", "n×1"),
        ("x ** 2 @ x.T", "n×n"),
    ],
)
def test_numpy_broadcasting_decides_the_shape(answer, shape):
    shown = preview(SYMBOLS, answer)

    assert shown.ok, shown.error
    assert shown.shape == shape


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (
            "B.T.T * x",
            "In NumPy, * works entry by entry, and B.T.T (m×n) and x (n×1) cannot be broadcast together "
            "(each size must match or be 1); for the matrix product write B.T.T @ x",
        ),
        ("x / z.T.T", "In NumPy, / works entry by entry, and x (n×1) and z.T.T (m×1)"),
        ("x + z.T.T", "Cannot add x (n×1) to z.T.T (m×1); in NumPy, sizes must match or be 1"),
    ],
)
def test_shapes_that_do_not_broadcast_are_an_invalid_answer_that_says_why(answer, message):
    result = check(SYMBOLS, "x", answer)

    assert result.verdict == "invalid"
    assert result.message.startswith(message)


@pytest.mark.parametrize(
    ("expected", "answer"),
    [
        ("inv(A^T A) A^T b", "np.linalg.inv(A.T @ A) @ A.T @ b"),
        ("tr(A A)", "np.trace(A @ A)"),
        ("x y^T", "np.outer(x, y)"),
        ("A^T", "A.transpose()"),
        ("inv(M)^T", "M.inverse().t()"),
        ("kron(A, A)", "np.kron(A, A)"),
        ("x^T y", "np.dot(x, y)"),
        ("A x", "A.dot(x)"),
        ("A x", "np.matmul(A, x)"),
        ("inv(M) b", "np.linalg.solve(M, b)"),
        ("det(M)", "np.linalg.det(M)"),
        ("sum(x)", "x.sum()"),
        ("x", "np.eye(n) @ x"),
        ("sum(x)", "np.ones((n, 1)).T @ x"),
        ("hadamard(x, y)", "x * y.T.T"),
        ("hadamard(x, x)", "np.abs(x) ** 2"),
        ("A A", "np.linalg.matrix_power(A, 2)"),
        ("A^T", "torch.transpose(A, 0, 1)"),
        ("inv(M)", "torch.linalg.pinv(M)"),
        ("sigmoid(x)", "torch.sigmoid(x)"),
        ("sigmoid(x)", "scipy.special.expit(x)"),
        ("sqrt(c) x", "np.sqrt(c) * x"),
    ],
)
def test_numpy_and_pytorch_functions_and_methods_are_read(expected, answer):
    result = check(SYMBOLS, expected, answer)

    assert result.verdict == "correct", result.message


def test_np_kron_is_one_function_not_the_sizes_n_and_p():
    assert read(declare({"n": {"shape": [1, 1]}, "p": {"shape": [1, 1]}, "A": {"shape": ["k", "k"]}}),
                "np.kron(A, A)").reading == "numpy"  # fmt: skip
    assert check(SYMBOLS, "kron(A, A)", "np.kron(A, A)").verdict == "correct"


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        ("np.linalg.eig(A)", "decompositions cannot be graded"),
        ("np.mean(x)", "write sum(x) / n for a mean"),
        ("np.zeros(n)", "write 0 for a zero matrix"),
        ("A.inv() @ x", "write inv(A) or A.inverse()"),
        ("np.sum(x, axis=0)", "Keyword arguments such as axis= at column 11 are not supported"),
    ],
)
def test_what_numpy_offers_but_the_engine_does_not_says_what_to_write(answer, hint):
    result = check(SYMBOLS, "x", answer)

    assert result.verdict == "invalid"
    assert hint in result.message


# --- A\b and A^t --------------------------------------------------------------------------------------


@pytest.mark.parametrize("answer", ["M\\b", "M \\ b", "M\\(b)", "(M)\\b", "M\\ b", "M^T^T\\b"])
def test_a_backslash_after_a_square_matrix_solves(answer):
    assert check(SYMBOLS, "inv(M) b", answer).verdict == "correct"


def test_a_backslash_is_read_left_to_right_as_in_matlab():
    assert check(SYMBOLS, "inv(2 M) b", "2 M\\b").verdict == "correct"
    assert check(SYMBOLS, "inv(M) b c", "M\\b c").verdict == "correct"


def test_a_backslash_after_a_non_square_matrix_is_invalid_and_says_why():
    result = check(SYMBOLS, "x", "B\\z")

    assert result.verdict == "invalid"
    assert result.message == (
        "A backslash solves a square system, but B is m×n: for least squares write pinv(B) instead of B\\"
    )


def test_a_backslash_is_never_dropped_silently():
    assert check(SYMBOLS, "M b", "M\\b").verdict == "incorrect"  # it used to read M b


def test_latex_commands_after_a_name_are_still_latex():
    lambdas = {"A": {"shape": ["n", "n"]}, "lambda": {"shape": [1, 1]}, "x": {"shape": ["n", 1]}}

    assert check(lambdas, "lambda A", r"A\lambda").verdict == "correct"
    assert check(SYMBOLS, "A x", r"A\cdot x").verdict == "correct"
    assert check(SYMBOLS, "A x", r"A\,x").verdict == "correct"


@pytest.mark.parametrize("answer", ["A^t", "A^{t}", "A^(t)", "A^ t"])
def test_a_t_exponent_is_a_transpose_when_t_is_not_declared(answer):
    assert check(SYMBOLS, "A^T", answer).verdict == "correct"


def test_a_t_exponent_is_a_power_when_t_is_declared():
    symbols = {"c": {"shape": [1, 1], "assume": ["positive"]}, "t": {"shape": [1, 1]}}

    assert check(symbols, "exp(t log(c))", "c^t").verdict == "correct"
    assert check(symbols, "exp(t log(c))", "c^{t}").verdict == "correct"


# --- the preview shows the reading --------------------------------------------------------------------


def test_the_preview_marks_entrywise_products_with_odot_and_says_so():
    shown = preview(SYMBOLS, "x.T * A * x")

    assert shown == Preview(
        ok=True,
        latex=r"x^{\top} \odot A \odot x \quad\text{(}\odot\text{: entrywise, as in NumPy)}",
        shape="n×n",
        error=None,
        notes=(ENTRYWISE_NOTE,),
    )


def test_the_preview_shows_a_matrix_product_plainly():
    shown = preview(SYMBOLS, "x.T @ A @ x")

    assert shown == Preview(ok=True, latex=r"x^{\top} A x", shape="1×1", error=None)


@pytest.mark.parametrize(
    ("answer", "latex"),
    [
        ("2 * A.T @ x", r"2 A^{\top} x"),  # scaling by a number is not worth a note
        ("A.T @ x / 2", r"\frac{A^{\top} x}{2}"),
        ("np.linalg.pinv(B)", "B^{+}"),
        ("M\\b", "M^{-1} b"),
        ("np.outer(x, y)", r"x y^{\top}"),
        ("x.dot(y)", r"x \cdot y"),
        ("np.ones((n, 1))", r"\mathbf{1}_{n \times 1}"),
    ],
)
def test_the_preview_latex_is_the_reading(answer, latex):
    shown = preview(SYMBOLS, answer)

    assert shown.latex == latex
    assert shown.notes == ()


def test_entrywise_division_and_powers_are_noted_too():
    assert preview(SYMBOLS, "np.exp(x) / (1 + np.exp(x))").notes == (ENTRYWISE_NOTE,)
    assert preview(SYMBOLS, "np.abs(x) ** 2").latex.startswith(r"\left|x\right|^{\circ 2}")


def test_numpy_products_are_plain_products_for_the_rest_of_the_engine():
    tree = read(DECLARATION, "np.matmul(A, x)").tree

    assert isinstance(tree, Product) and tree.operators == (MATMUL,)
