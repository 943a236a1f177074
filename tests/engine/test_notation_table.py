r"""The notation table: answers as learners of this course type them, in five notations, right and wrong.

Every row is one answer to one of the questions below. A right answer must be accepted (and read at the
expected shape); a wrong one must be rejected with the verdict the row names: ``incorrect`` for a
well-formed expression that computes something else, ``invalid`` for one that cannot be read or does not
shape-check. A right answer refused, a wrong one accepted, or a well-formed one reported unreadable (or the
reverse) would be a misreading.

Families:

* ASCII — plain typing, MATLAB habits included (``A'``, ``A^t``, ``.*``, ``./``, ``.^``, ``A\b``, ``eye(n)``);
* LaTeX — as typed in notebooks and forums (``$…$``, ``\frac12``, ``\mathbf{I}_n``, ``\nabla_x f = …``,
  ``\|x\|``);
* NumPy/PyTorch — ``@``, ``.T``, ``np.linalg.inv``, ``torch.outer``…, where ``*`` is entrywise;
* Unicode — pasted from PDFs, phones and word processors (``Aᵀ``, ``𝐀𝐱``, ``–``, ``½``, ``‖x‖²``, ``𝟏``);
* rearranged — the same notation as ASCII, but the algebra rearranged (expanded, transposed twice, …).

``benchmarks/notation.py`` prints the accept rates per family from this table, for this engine or another
checkout's.
"""

from dataclasses import dataclass

import pytest

from grading.engine import check

FAMILIES = ("ASCII", "LaTeX", "NumPy/PyTorch", "Unicode", "rearranged")


def mat(rows, cols, *assume):
    return {"shape": [rows, cols], **({"assume": list(assume)} if assume else {})}


QUESTIONS = {
    # name: (symbols, key)
    "quadratic form": ({"A": mat("n", "n"), "x": mat("n", 1)}, "(A + A^T) x"),
    "least squares": ({"A": mat("m", "n"), "x": mat("n", 1), "b": mat("m", 1)}, "2 A^T (A x - b)"),
    "normal equations": ({"A": mat("m", "n"), "b": mat("m", 1)}, "inv(A^T A) A^T b"),
    "linear system": ({"M": mat("n", "n", "invertible"), "b": mat("n", 1)}, "inv(M) b"),
    "trace gradient": ({"A": mat("n", "n"), "B": mat("n", "n")}, "A^T B^T"),
    "outer product": ({"a": mat("n", 1), "b": mat("m", 1)}, "a b^T"),
    "log det": ({"X": mat("n", "n", "spd")}, "inv(X)"),
    "sum of entries": ({"x": mat("n", 1)}, "sum(x)"),
    "half": ({"x": mat("n", 1), "c": mat(1, 1)}, "c x / 2"),
    "squared norm": ({"x": mat("n", 1)}, "x^T x"),
    "identity": ({"A": mat("n", "n"), "x": mat("n", 1)}, "(I_n + A) x"),
    "kronecker": ({"A": mat("n", "n"), "B": mat("m", "m")}, "kron(A, B)"),
    "logistic": ({"X": mat("m", "n"), "w": mat("n", 1), "y": mat("m", 1)}, "X^T (sigmoid(X w) - y)"),
    "entrywise product": ({"x": mat("n", 1), "y": mat("n", 1)}, "hadamard(x, y)"),
    "trace of a product": ({"A": mat("n", "n"), "B": mat("n", "n")}, "tr(A B)"),
    "determinant gradient": ({"X": mat("n", "n", "invertible")}, "det(X) inv(X)^T"),
    "ridge": (
        {"A": mat("m", "n"), "b": mat("m", 1), "lambda": mat(1, 1, "positive")},
        "inv(A^T A + lambda I_n) A^T b",
    ),
    "reciprocal": ({"x": mat("n", 1, "positive")}, "inv(diag(x)) ones(n, 1)"),
    "squares": ({"x": mat("n", 1)}, "hadamard(x, x)"),
    "square root": ({"c": mat(1, 1, "positive"), "x": mat("n", 1)}, "sqrt(c) x"),
    "gaussian": ({"S": mat("n", "n", "spd"), "x": mat("n", 1), "mu": mat("n", 1)}, "inv(S) (x - mu)"),
}


@dataclass(frozen=True)
class Row:
    family: str
    question: str
    answer: str
    verdict: str  # "correct", "incorrect" or "invalid"

    @property
    def right(self) -> bool:
        return self.verdict == "correct"


def rows(family, question, right=(), incorrect=(), invalid=()):
    return [
        *(Row(family, question, answer, "correct") for answer in right),
        *(Row(family, question, answer, "incorrect") for answer in incorrect),
        *(Row(family, question, answer, "invalid") for answer in invalid),
    ]


ASCII = [
    *rows(
        "ASCII",
        "quadratic form",
        right=["A x + A^T x", "A*x + A'*x", "(A + A')*x", "A x + A^t x", "A x + transpose(A) x", "(A+A^T)x"],
        incorrect=["2 A x", "A x", "A^T x", "(A - A') x"],
        invalid=["A x + A x^T", "(A + A^T) x'", "AT x + A x", "A x + A^T"],
    ),
    *rows(
        "ASCII",
        "least squares",
        right=["2*A^T*(A*x - b)", "2 A'(A x - b)", "2 A^t A x - 2 A^t b", "2*(A'*A*x - A'*b)"],
        incorrect=["2 A^T A x", "2 A^T (b - A x)", "A^T (A x - b)"],
        invalid=["2 A (A x - b)", "2 A^T (A x - b'", "2 A^T (A x - b) = 0"],
    ),
    *rows(
        "ASCII",
        "normal equations",
        right=["inv(A'*A)*A'*b", "(A^T A)^-1 A^T b", "(A'A)\\(A'b)", "inv(A^T A) (A^T b)"],
        incorrect=["A^T b", "inv(A^T A) A^T b - A^T b"],
        invalid=["A\\b", "inv(A) b", "inv(A A^T) A b"],
    ),
    *rows(
        "ASCII",
        "linear system",
        right=["M\\b", "inv(M)*b", "M^-1 b", "M^(-1)*b", "M \\ b"],
        incorrect=["M b", "inv(M^T) b", "M^T\\b"],
        invalid=["b\\M", "b inv(M)"],
    ),
    *rows(
        "ASCII",
        "trace gradient",
        right=["A' * B'", "(B A)^T", "A^t B^t", "transpose(B A)"],
        incorrect=["A B", "A^t B", "B^T A^T"],
    ),
    *rows(
        "ASCII",
        "outer product",
        right=["a*b'", "a b^t", "(b a')'"],
        incorrect=["b a^T"],
        invalid=["a^T b", "a' b", "a * b"],
    ),
    *rows(
        "ASCII",
        "log det",
        right=["inv(X)", "X^-1", "inv(X')", "X^(-1)"],
        incorrect=["X", "-inv(X)", "inv(X)^2"],
        invalid=["1/X", "X^-"],
    ),
    *rows(
        "ASCII",
        "sum of entries",
        right=["ones(n,1)' x", "ones(n)^T x", "x' ones(n,1)", "1_n^T x", "sum(x)", "1_{n}' * x"],
        incorrect=["x' x", "ones(n,1)' x x' x"],
        invalid=["ones(n,1) x", "sum(x, 1)"],
    ),
    *rows(
        "ASCII",
        "half",
        right=["c*x/2", "0.5 c x", "c x * 0.5", "1/2 c x", "(c/2) x"],
        incorrect=["c x", "2 c x", "x / 2"],
        invalid=["c x^2", "c x / 2 x"],
    ),
    *rows(
        "ASCII",
        "squared norm",
        right=["x'x", "x' * x", "norm(x)^2", "sum(x .* x)", "x.^2' * ones(n,1)"],
        incorrect=["norm(x)", "sum(x)^2", "x x'"],
        invalid=["x' x'", "x^2"],
    ),
    *rows(
        "ASCII",
        "identity",
        right=["x + A x", "eye(n) x + A*x", "(eye(n) + A) x", "I_n x + A x", "(I + A) x"],
        incorrect=["A x", "x + A^T x"],
        invalid=["(I + A) x'", "eye(x) x"],
    ),
    *rows(
        "ASCII",
        "kronecker",
        right=["kron(A,B)", "kron(A, I_m) kron(I_n, B)"],
        incorrect=["kron(B, A)"],
        invalid=["A B", "kron A B"],
    ),
    *rows(
        "ASCII",
        "logistic",
        right=["X'*(sigmoid(X*w) - y)", "X' sigmoid(X w) - X' y", "X^T (sigma(X w) - y)"],
        incorrect=["X^T sigmoid(X w)", "X^T (sigmoid(X w) + y)"],
        invalid=["X (sigmoid(X w) - y)", "X^T (sigmoid(X w) - y"],
    ),
    *rows(
        "ASCII",
        "entrywise product",
        right=["x .* y", "y .* x", "hadamard(y, x)"],
        incorrect=["x .* x"],
        invalid=["x * y", "x y"],
    ),
    *rows(
        "ASCII",
        "trace of a product",
        right=["trace(A*B)", "Tr(A B)", "tr(B A)", "sum(diag(A B))"],
        incorrect=["tr(A) tr(B)", "tr(A^T B)", "Tr(A + B)"],
        invalid=["tr(A, B)", "Trace(A B)"],
    ),
    *rows(
        "ASCII",
        "determinant gradient",
        right=["det(X)*inv(X)'", "det(X) inv(X^T)", "det(X) X^-T"],
        incorrect=["det(X) inv(X)", "inv(X)^T", "det(X)^2 inv(X)^T"],
        invalid=["|X| X^-T", "det(X) X^-t x"],
    ),
    *rows(
        "ASCII",
        "ridge",
        right=["inv(A'*A + lambda*eye(n))*A'*b", "(A^T A + lambda I_n)\\(A^T b)"],
        incorrect=["inv(A^T A) A^T b"],
        invalid=["inv(A'*A + lambda)*A'*b", "(A^T A + lambda I_n)\\b"],
    ),
    *rows(
        "ASCII",
        "reciprocal",
        right=["1./x", "ones(n,1) ./ x", "x.^-1", "x.^(-1)"],
        incorrect=["x", "-1./x"],
        invalid=["1/x", "inv(x)"],
    ),
    *rows(
        "ASCII",
        "squares",
        right=["x.^2", "x .* x", "hadamard(x, x)"],
        incorrect=["2 x", "x.^3"],
        invalid=["x^2", "x x"],
    ),
]

LATEX = [
    *rows(
        "LaTeX",
        "quadratic form",
        right=[
            r"$Ax + A^\top x$",
            r"\left(A + A^{\top}\right) x",
            r"\(A x + A^{T} x\)",
            r"$$ (A+A^\intercal) x $$",
            r"\nabla_x f = (A + A^\top)x",
            r"\mathbf{A}\mathbf{x} + \mathbf{A}^\top \mathbf{x}",
            r"A x + A^{\mathsf{T}} x",
            r"\frac{\partial f}{\partial x} = A x + A^T x",
        ],
        incorrect=[r"2Ax", r"$A^\top x$", r"\nabla f = 2 A x"],
        invalid=[r"x^\top(A + A^\top)x = 0", r"\hat{A} x", r"A x + A^\top x \\ = 0"],
    ),
    *rows(
        "LaTeX",
        "least squares",
        right=[
            r"2A^\top(Ax-b)",
            r"\nabla_x L = 2 A^{\top} (A x - b)",
            r"2\,A^\top A x - 2\,A^\top b",
            r"\frac{d L}{d x} = 2 A^T(Ax - b)",
            r"\frac{dL}{dx} = 2A^\top\left(Ax - b\right)",
        ],
        incorrect=[r"2A^\top A x", r"A^\top(Ax-b)"],
        invalid=[r"2A(Ax-b)", r"2A^\top(Ax-b"],
    ),
    *rows(
        "LaTeX",
        "normal equations",
        right=[r"(A^\top A)^{-1} A^\top b", r"\left(A^{\top}A\right)^{-1}A^{\top}b", r"$(A^TA)^{-1}A^Tb$"],
        incorrect=[r"A^\top b"],
        invalid=[r"A^{-1} b", r"x = (A^\top A)^{-1} A^\top b"],
    ),
    *rows(
        "LaTeX",
        "linear system",
        right=[r"M^{-1} b", r"\mathbf{M}^{-1}\mathbf{b}", r"\left(M\right)^{-1} b"],
        incorrect=[r"M^{\top} b", r"M^{-\top} b"],
        invalid=[r"b M^{-1}"],
    ),
    *rows(
        "LaTeX",
        "trace gradient",
        right=[r"A^\top B^\top", r"(BA)^{\top}", r"\left(B A\right)^\intercal"],
        incorrect=[r"B^\top A^\top", r"(AB)^\top"],
    ),
    *rows(
        "LaTeX",
        "outer product",
        right=[r"a b^\top", r"\mathbf{a}\mathbf{b}^{T}", r"\boldsymbol{a}\boldsymbol{b}^\top"],
        incorrect=[r"b a^\top"],
        invalid=[r"a^\top b", r"\langle a, b \rangle"],
    ),
    *rows(
        "LaTeX",
        "log det",
        right=[r"X^{-1}", r"\mathbf{X}^{-1}", r"\nabla_X \log\det X = X^{-1}", r"\left(X^{\top}\right)^{-1}"],
        incorrect=[r"X^{\top}", r"-X^{-1}", r"X^{-2}"],
        invalid=[r"\frac{1}{X}"],
    ),
    *rows(
        "LaTeX",
        "sum of entries",
        right=[
            r"\mathbf{1}^\top x",
            r"\mathbf{1}_n^{\top} x",
            r"\mathbb{1}^T x",
            r"x^\top \mathbf{1}",
            r"\operatorname{sum}(x)",
            r"\mathbb 1^\top x",
        ],
        incorrect=[r"x^\top x"],
        invalid=[r"\mathbf{1} x", r"\sum_i x_i"],
    ),
    *rows(
        "LaTeX",
        "half",
        right=[r"\frac12 c x", r"\frac{c x}{2}", r"\tfrac{1}{2} c x", r"\dfrac{c}{2} x", r"\frac c2 x"],
        incorrect=[r"\frac{1}{2} x", r"2cx"],
        invalid=[r"\frac{c}{x}", r"\frac{c x}"],
    ),
    *rows(
        "LaTeX",
        "squared norm",
        right=[r"\|x\|^2", r"\|x\|_2^2", r"\lVert x \rVert^{2}", r"x^\top x", r"\left\| x \right\|^2"],
        incorrect=[r"\|x\|", r"\|x\|^3", r"\|x\|^2 x^\top"],
        invalid=[r"|x|^2", r"\|x\|^2 + x"],
    ),
    *rows(
        "LaTeX",
        "identity",
        right=[r"(\mathbf{I}_n + A) x", r"(I_n + A)x", r"\mathbf{I} x + A x", r"\left(I + A\right)x"],
        incorrect=[r"Ax", r"(\mathbf{I}_n - A) x"],
        invalid=[r"\mathbf{I}_x x"],
    ),
    *rows(
        "LaTeX",
        "kronecker",
        right=[r"A \otimes B", r"\mathbf{A}\otimes\mathbf{B}"],
        incorrect=[r"B \otimes A"],
        invalid=[r"A \otimes"],
    ),
    *rows(
        "LaTeX",
        "logistic",
        right=[r"X^\top(\sigma(Xw) - y)", r"X^{\top}\left(\sigma\left(X w\right) - y\right)"],
        incorrect=[r"X^\top \sigma(Xw)"],
        invalid=[r"X(\sigma(Xw) - y)"],
    ),
    *rows(
        "LaTeX",
        "entrywise product",
        right=[r"x \odot y", r"x \circ y", r"\mathbf{x}\odot\mathbf{y}"],
        incorrect=[r"x \odot x"],
        invalid=[r"x^\top \odot y"],
    ),
    *rows(
        "LaTeX",
        "trace of a product",
        right=[
            r"\mathrm{Tr}(AB)",
            r"\operatorname{Tr}(A B)",
            r"\operatorname{tr}\left(B A\right)",
            r"\text{tr}(AB)",
        ],
        incorrect=[r"\mathrm{Tr}(A) \mathrm{Tr}(B)", r"\operatorname{Tr}(A^\top B)"],
        invalid=[r"\mathrm{Tr}(A B"],
    ),
    *rows(
        "LaTeX",
        "determinant gradient",
        right=[r"\det(X) X^{-\top}", r"\det(X)\,(X^{-1})^\top", r"\det X \, X^{-T}"],
        incorrect=[r"\det(X) X^{-1}"],
        invalid=[r"|X| X^{-T}", r"\left|X\right| X^{-\top}"],
    ),
    *rows(
        "LaTeX",
        "ridge",
        right=[
            r"(A^\top A + \lambda I_n)^{-1} A^\top b",
            r"\left(A^{\top}A+\lambda\mathbf{I}\right)^{-1}A^{\top}b",
        ],
        incorrect=[r"(A^\top A)^{-1}A^\top b"],
        invalid=[r"(A^\top A + \lambda)^{-1} A^\top b"],
    ),
    *rows("LaTeX", "squares", right=[r"x \odot x", r"x \circ x"], incorrect=[r"2x"], invalid=[r"x^{2}"]),
    *rows(
        "LaTeX",
        "square root",
        right=[r"\sqrt{c}\, x", r"\sqrt c x", r"c^{\frac12} x", r"c^{1/2} x"],
        incorrect=[r"c x", r"\sqrt{c}"],
        invalid=[r"\sqrt{x}"],
    ),
    *rows(
        "LaTeX",
        "gaussian",
        right=[r"\Sigma^{-1}(x - \mu)".replace(r"\Sigma", "S"), r"S^{-1}\left(x - \mu\right)"],
        incorrect=[r"S^{-1}(\mu - x)"],
        invalid=[r"S^{-1}(x - \nu)"],
    ),
]

NUMPY = [
    *rows(
        "NumPy/PyTorch",
        "quadratic form",
        right=[
            "A @ x + A.T @ x",
            "(A + A.T) @ x",
            "A.dot(x) + A.T.dot(x)",
            "np.dot(A + A.T, x)",
            "torch.matmul(A + A.mT, x)",
            "(A + A.t()) @ x",
            "(A + A.transpose()) @ x",
            "np.matmul(A, x) + np.matmul(A.T, x)",
            "A @ x + A.transpose(0, 1) @ x",
            "numpy.dot(A, x) + numpy.dot(A.T, x)",
        ],
        incorrect=["x.T * A * x", "A * x + A.T * x", "2 * A @ x", "A.T @ x", "(A + A.T) * x"],
        invalid=["x @ A", "np.dot(x, A)", "A.T @ x + np.linalg.eig(A)", "A.inv() @ x"],
    ),
    *rows(
        "NumPy/PyTorch",
        "least squares",
        right=[
            "2 * A.T @ (A @ x - b)",
            "2*A.T@A@x - 2*A.T@b",
            "2 * np.dot(A.T, A @ x - b)",
            "2 * torch.mm(A.t(), A @ x - b)",
        ],
        incorrect=["A.T @ (A @ x - b)", "2 * A.T @ (b - A @ x)"],
        invalid=["2 * A.T * (A @ x - b)", "2 * A @ (A @ x - b)", "np.sum(A @ x - b, axis=0)"],
    ),
    *rows(
        "NumPy/PyTorch",
        "normal equations",
        right=[
            "np.linalg.inv(A.T @ A) @ A.T @ b",
            "np.linalg.solve(A.T @ A, A.T @ b)",
            "np.linalg.pinv(A) @ b",
            "torch.linalg.inv(A.T @ A) @ A.T @ b",
            "(A.T @ A).inverse() @ A.T @ b",
            "torch.linalg.pinv(A) @ b",
        ],
        incorrect=["A.T @ b"],
        invalid=[
            "np.linalg.inv(A) @ b",
            "np.linalg.solve(A, b)",
            "np.linalg.pinv(A).T @ b",
            "np.linalg.lstsq(A, b)",
        ],
    ),
    *rows(
        "NumPy/PyTorch",
        "linear system",
        right=[
            "np.linalg.solve(M, b)",
            "np.linalg.inv(M) @ b",
            "torch.inverse(M) @ b",
            "M.inverse() @ b",
            "torch.linalg.solve(M, b)",
        ],
        incorrect=["M @ b", "np.linalg.inv(M).T @ b", "np.linalg.solve(M.T, b)"],
        invalid=["b @ np.linalg.inv(M)", "np.linalg.inv(M) @ b.T"],
    ),
    *rows(
        "NumPy/PyTorch",
        "trace gradient",
        right=["A.T @ B.T", "(B @ A).T", "np.transpose(B @ A)", "torch.t(B @ A)", "(B @ A).mT"],
        incorrect=["A @ B", "A.T * B.T", "(A @ B).T"],
    ),
    *rows(
        "NumPy/PyTorch",
        "outer product",
        right=[
            "np.outer(a, b)",
            "a @ b.T",
            "torch.outer(a, b)",
            "a * b.T",
            "np.multiply(a, b.T)",
            "np.outer(a.T, b)",
        ],
        incorrect=["np.outer(b, a)", "b @ a.T"],
        invalid=["np.dot(a, b)", "a.T.T * b", "a @ b"],
    ),
    *rows(
        "NumPy/PyTorch",
        "log det",
        right=["np.linalg.inv(X)", "torch.linalg.inv(X)", "X.inverse()", "np.linalg.inv(X).T"],
        incorrect=[
            "X.T",
            "np.ones((n, n)) / X",
            "np.linalg.inv(X) @ np.linalg.inv(X)",
            "np.linalg.det(X) @ X",
        ],
        invalid=["np.log(np.linalg.det(X)).grad", "1 / X"],
    ),
    *rows(
        "NumPy/PyTorch",
        "sum of entries",
        right=[
            "np.sum(x)",
            "x.sum()",
            "torch.sum(x)",
            "np.ones((n, 1)).T @ x",
            "x.T @ np.ones((n, 1))",
            "np.dot(np.ones((n, 1)), x)",
        ],
        incorrect=["x.T @ x", "np.linalg.norm(x)", "np.sum(x) * x"],
        invalid=["np.mean(x)", "np.sum(x, keepdims=True)"],
    ),
    *rows(
        "NumPy/PyTorch",
        "half",
        right=["c * x / 2", "0.5 * c * x", "x * c / 2", "c * x * 0.5", "np.multiply(c, x) / 2"],
        incorrect=["c * x", "2 * c * x", "np.sum(x) * 0 + x / 2"],
        invalid=["c * x / np.zeros(2)"],
    ),
    *rows(
        "NumPy/PyTorch",
        "squared norm",
        right=[
            "x.T @ x",
            "np.dot(x, x)",
            "x.dot(x)",
            "np.sum(x**2)",
            "np.linalg.norm(x)**2",
            "(x * x).sum()",
            "torch.dot(x, x)",
            "torch.norm(x) ** 2",
        ],
        incorrect=["np.linalg.norm(x)", "np.sum(x) ** 2"],
        invalid=["x @ x", "np.sum(x**2, axis=0)"],
    ),
    *rows(
        "NumPy/PyTorch",
        "identity",
        right=["np.eye(n) @ x + A @ x", "(np.eye(n) + A) @ x", "x + A @ x", "torch.eye(n) @ x + A @ x"],
        incorrect=["A @ x", "(np.eye(n) - A) @ x"],
        invalid=["np.identity(n) @ x + A @ x", "np.eye(x) @ x"],
    ),
    *rows(
        "NumPy/PyTorch",
        "kronecker",
        right=["np.kron(A, B)", "torch.kron(A, B)"],
        incorrect=["np.kron(B, A)"],
        invalid=["A @ B"],
    ),
    *rows(
        "NumPy/PyTorch",
        "logistic",
        right=[
            "X.T @ (torch.sigmoid(X @ w) - y)",
            "X.T @ (1 / (1 + np.exp(-X @ w)) - y)",
            "X.T @ (scipy.special.expit(X @ w) - y)",
            "X.T @ (np.exp(X @ w) / (1 + np.exp(X @ w)) - y)",
        ],
        incorrect=["X.T @ torch.sigmoid(X @ w)"],
        invalid=["X @ (torch.sigmoid(X @ w) - y)", "X.T * (torch.sigmoid(X @ w) - y)"],
    ),
    *rows(
        "NumPy/PyTorch",
        "entrywise product",
        right=["np.multiply(x, y)", "torch.mul(x, y)", "x * y.T.T", "np.multiply(y, x)"],
        incorrect=["np.dot(x, y) * x", "x.T @ y * x", "x.T @ y @ x.T", "x.T @ y @ x"],
        invalid=["x @ y", "x.T @ y.T"],
    ),
    *rows(
        "NumPy/PyTorch",
        "trace of a product",
        right=["np.trace(A @ B)", "torch.trace(A @ B)", "(A @ B).trace()", "np.sum(A * B.T)"],
        incorrect=["np.trace(A) * np.trace(B)", "np.sum(A * B)", "np.trace(A * B)"],
        invalid=["np.trace(A @ B, axis1=0)"],
    ),
    *rows(
        "NumPy/PyTorch",
        "determinant gradient",
        right=["np.linalg.det(X) * np.linalg.inv(X).T", "torch.det(X) * torch.inverse(X).T"],
        incorrect=["np.linalg.det(X) * np.linalg.inv(X)", "np.linalg.inv(X).T", "np.linalg.det(X) @ X.T"],
        invalid=["np.linalg.det(X) * np.linalg.inv(X).T @ np.ones((n, 1)) @ X"],
    ),
    *rows(
        "NumPy/PyTorch",
        "ridge",
        right=[
            "np.linalg.inv(A.T @ A + lambda * np.eye(n)) @ A.T @ b",
            "np.linalg.solve(A.T @ A + lambda * np.eye(n), A.T @ b)",
        ],
        incorrect=["np.linalg.inv(A.T @ A + lambda) @ A.T @ b"],
        invalid=["np.linalg.solve(A.T @ A + lambda * np.eye(n), b)"],
    ),
    *rows(
        "NumPy/PyTorch",
        "reciprocal",
        right=["np.ones((n, 1)) / x", "1 / np.abs(x)", "np.abs(x) ** -1"],
        incorrect=["-np.ones((n, 1)) / x", "np.abs(x)"],
        invalid=["np.linalg.inv(x)"],
    ),
    *rows(
        "NumPy/PyTorch",
        "squares",
        right=["np.abs(x) ** 2", "np.multiply(x, x)", "x.T.T * x"],
        incorrect=["np.abs(x)", "x.T @ x @ x.T"],
        invalid=["x.T @ x.T"],
    ),
    *rows(
        "NumPy/PyTorch",
        "square root",
        right=["np.sqrt(c) * x", "torch.sqrt(c) * x"],
        incorrect=["np.sqrt(x)"],
        invalid=["np.sqrt(c) @ x @ x"],
    ),
]

UNICODE = [
    *rows(
        "Unicode",
        "quadratic form",
        right=[
            "Ax + Aᵀx",
            "(A + Aᵀ)x",
            "A·x + Aᵀ·x",
            "𝐀𝐱 + 𝐀ᵀ𝐱",
            "(A + A′)x",
            "A∙x + Aᵗ∙x",
            "A\u00a0x + A’ x",
            "(A+Aᵀ)⋅x",
            "（A＋Aᵀ）x",
            "∇f = (A + Aᵀ)x",
        ],
        incorrect=["2·A·x", "Aᵀx", "(A − Aᵀ)x"],
        invalid=["xᵀ(A + Aᵀ)x = 0", "A x + A‖x"],
    ),
    *rows(
        "Unicode",
        "least squares",
        right=["2Aᵀ(Ax − b)", "2Aᵀ(Ax – b)", "2 Aᵀ A x — 2 Aᵀ b", "2𝐀ᵀ(𝐀𝐱 − 𝐛)", "2Aᵗ(Ax ‐ b)"],
        incorrect=["2Aᵀ(b − Ax)", "Aᵀ(Ax − b)"],
        invalid=["2A(Ax − b)"],
    ),
    *rows(
        "Unicode",
        "normal equations",
        right=["(AᵀA)⁻¹Aᵀb", "(A′A)⁻¹A′b", "(𝐀ᵀ𝐀)⁻¹𝐀ᵀ𝐛"],
        incorrect=["Aᵀb"],
        invalid=["A⁻¹b"],
    ),
    *rows(
        "Unicode",
        "linear system",
        right=["M⁻¹b", "𝐌⁻¹𝐛", "M⁻¹·b"],
        incorrect=["M⁻ᵀb", "Mb"],
        invalid=["bM⁻¹"],
    ),
    *rows(
        "Unicode",
        "trace gradient",
        right=["AᵀBᵀ", "(BA)ᵀ", "(B·A)ᵀ"],
        incorrect=["BᵀAᵀ", "(AB)ᵀ"],
    ),
    *rows(
        "Unicode",
        "outer product",
        right=["abᵀ", "𝐚𝐛ᵀ", "a⊗bᵀ", "a·bᵀ"],
        incorrect=["baᵀ"],
        invalid=["aᵀb", "a⊙b"],
    ),
    *rows(
        "Unicode",
        "log det",
        right=["X⁻¹", "𝐗⁻¹", "(Xᵀ)⁻¹", "X⁻ᵀ"],
        incorrect=["Xᵀ", "X⁻²", "−X⁻¹"],
        invalid=["X⁻"],
    ),
    *rows(
        "Unicode",
        "sum of entries",
        right=["𝟏ᵀx", "𝟙ᵀx", "xᵀ𝟏", "𝟏ₙᵀx", "𝟏ᵀ·x"],
        incorrect=["xᵀx"],
        invalid=["𝟏x", "∑x"],
    ),
    *rows(
        "Unicode",
        "half",
        right=["½cx", "½ c x", "c x ∕ 2", "0.5·c·x", "(c/2)·x", "c x ÷ 2"],
        incorrect=["½x", "⅓cx", "¼ c x"],
        invalid=["c ∕ x"],
    ),
    *rows(
        "Unicode",
        "squared norm",
        right=["‖x‖²", "‖x‖₂²", "xᵀx", "∥x∥²", "xᵀ·x"],
        incorrect=["‖x‖", "‖x‖³", "xxᵀ", "‖x‖²x"],
        invalid=["‖x‖² + x", "‖x"],
    ),
    *rows(
        "Unicode",
        "identity",
        right=["(Iₙ + A)x", "Iₙx + Ax", "x + Ax", "(𝐈 + 𝐀)𝐱"],
        incorrect=["A·x", "(Iₙ − A)x"],
        invalid=["(Iₘ + A)x"],
    ),
    *rows("Unicode", "kronecker", right=["A ⊗ B", "𝐀⊗𝐁"], incorrect=["B ⊗ A"], invalid=["A ⊗"]),
    *rows(
        "Unicode",
        "logistic",
        right=["Xᵀ(σ(Xw) − y)", "Xᵀσ(Xw) − Xᵀy", "𝐗ᵀ(σ(𝐗𝐰) − 𝐲)"],
        incorrect=["Xᵀσ(Xw)"],
        invalid=["X(σ(Xw) − y)"],
    ),
    *rows(
        "Unicode",
        "entrywise product",
        right=["x ⊙ y", "x ∘ y", "y⊙x"],
        incorrect=["x ⊙ x"],
        invalid=["xᵀ ⊙ y", "x·y"],
    ),
    *rows(
        "Unicode",
        "trace of a product",
        right=["tr(AB)", "Tr(A·B)", "tr(𝐀𝐁)"],
        incorrect=["tr(A)tr(B)", "tr(AᵀB)"],
        invalid=["tr(AB"],
    ),
    *rows(
        "Unicode",
        "determinant gradient",
        right=["det(X)·X⁻ᵀ", "det(X) (X⁻¹)ᵀ", "det(X)X⁻ᵗ"],
        incorrect=["det(X)X⁻¹"],
        invalid=["|X|X⁻ᵀ"],
    ),
    *rows(
        "Unicode",
        "ridge",
        right=["(AᵀA + λIₙ)⁻¹Aᵀb", "(AᵀA + λ·Iₙ)⁻¹·Aᵀb"],
        incorrect=["(AᵀA)⁻¹Aᵀb"],
        invalid=["(AᵀA + λ)⁻¹Aᵀb"],
    ),
    *rows("Unicode", "squares", right=["x ⊙ x", "x∘x"], incorrect=["2·x"], invalid=["x²"]),
    *rows(
        "Unicode",
        "square root",
        right=["√c x", "√(c) x", "c^(½) x", "√c·x"],
        incorrect=["c·x", "√c"],
        invalid=["√x"],
    ),
    *rows(
        "Unicode",
        "gaussian",
        right=["S⁻¹(x − μ)", "S⁻¹(x − µ)", "𝐒⁻¹(𝐱 − 𝛍)"],
        incorrect=["S⁻¹(μ − x)", "S(x − μ)"],
        invalid=["S⁻¹(x − ν)"],
    ),
]

REARRANGED = [
    *rows(
        "rearranged",
        "quadratic form",
        right=[
            "A^T x + A x",
            "(x^T A + x^T A^T)^T",
            "(x^T (A + A^T))^T",
            "A x + (x^T A)^T",
            "2 A x - (A - A^T) x",
            "(A + A^T)(x + x)/2",
            "-(-(A + A^T) x)",
            "(A^T + A) x",
        ],
        incorrect=["(x^T A + x^T A)^T", "(A + A^T) x / 2", "A^T x + A^T x", "(x^T (A + A^T))"],
        invalid=["A x + x^T A", "(x^T (A + A^T))^T x"],
    ),
    *rows(
        "rearranged",
        "least squares",
        right=[
            "2 A^T A x - 2 A^T b",
            "-2 A^T (b - A x)",
            "2 (A^T A x - A^T b)",
            "A^T (A x - b) + A^T (A x - b)",
            "(2 (A x - b)^T A)^T",
        ],
        incorrect=["2 A^T A x + 2 A^T b", "A^T A x - A^T b", "(A x - b)^T A", "(A x - b)^T A x"],
        invalid=["2 A A^T x", "(A x - b) A"],
    ),
    *rows(
        "rearranged",
        "normal equations",
        right=["inv(A^T A) (b^T A)^T", "(A^T A)^-1 (b^T A)^T", "(b^T A inv(A^T A))^T"],
        incorrect=["inv(A^T A) A^T b + inv(A^T A) A^T b"],
        invalid=["A^T b inv(A^T A)", "inv(A^T A) b^T A"],
    ),
    *rows(
        "rearranged",
        "linear system",
        right=["(b^T inv(M)^T)^T", "inv(M) (b + b) / 2", "inv(M^T)^T b"],
        incorrect=["(b^T inv(M))^T", "(b^T inv(M)^T)", "(b^T inv(M)^T) b"],
        invalid=["b^T inv(M)^T b^T"],
    ),
    *rows(
        "rearranged",
        "trace gradient",
        right=["(B A)^T + A - A", "A^T B^T + 0 A", "((A^T B^T)^T)^T"],
        incorrect=["(A B)^T"],
    ),
    *rows(
        "rearranged",
        "outer product",
        right=["(b a^T)^T", "a (b^T)", "((a b^T)^T)^T"],
        incorrect=["(b a^T)^T / 2", "(a b^T)^T", "(a b^T)^T a"],
        invalid=["(a b^T) a"],
    ),
    *rows(
        "rearranged",
        "log det",
        right=["inv(X)^T", "inv(X^T)", "X inv(X) inv(X)", "inv(X X) X"],
        incorrect=["inv(X)^2 X^T X", "X inv(X)"],
    ),
    *rows(
        "rearranged",
        "sum of entries",
        right=["x^T ones(n,1)", "ones(n,1)^T x", "tr(x ones(n,1)^T)", "sum(x^T)"],
        incorrect=["tr(x x^T)"],
        invalid=["tr(x)"],
    ),
    *rows(
        "rearranged",
        "half",
        right=["x c / 2", "(c x)/2", "c (x/2)", "x (c/2)", "c x - c x / 2"],
        incorrect=["c x / 3"],
        invalid=["(c + x)/2"],
    ),
    *rows(
        "rearranged",
        "squared norm",
        right=["tr(x x^T)", "norm(x)^2 + 0", "sum(hadamard(x, x))", "(x + x)^T x / 2"],
        incorrect=["tr(x^T x x^T x)", "norm(x) norm(x) / norm(x)"],
    ),
    *rows(
        "rearranged",
        "identity",
        right=["A x + x", "(A + I) x", "x + A x + 0 x", "(A^T + I)^T x"],
        incorrect=["(A + 2 I) x", "(A - I) x"],
    ),
    *rows("rearranged", "kronecker", right=["kron(I_n, B) kron(A, I_m)"], incorrect=["kron(A^T, B)"]),
    *rows(
        "rearranged",
        "logistic",
        right=["X^T sigmoid(X w) - X^T y", "((sigmoid(X w) - y)^T X)^T", "-X^T (y - sigmoid(X w))"],
        incorrect=["X^T sigmoid(X w) + X^T y"],
    ),
    *rows(
        "rearranged",
        "entrywise product",
        right=["hadamard(y, x) + 0 x", "diag(x) y", "diag(y) x"],
        incorrect=["diag(x) x", "diag(x) diag(y)", "x y^T"],
        invalid=["diag(x) diag(y) y^T", "y x"],
    ),
    *rows(
        "rearranged",
        "trace of a product",
        right=["tr(B A) + tr(A) - tr(A)", "tr(A^T B^T)", "sum(hadamard(A, B^T))", "vec(A^T)^T vec(B)"],
        incorrect=["tr(A) + tr(B)", "vec(A)^T vec(B)"],
    ),
    *rows(
        "rearranged",
        "determinant gradient",
        right=["inv(X^T) det(X)", "det(X^T) inv(X)^T"],
        incorrect=["inv(X) det(X)"],
    ),
    *rows(
        "rearranged",
        "ridge",
        right=["inv(lambda I_n + A^T A) A^T b", "inv(A^T A + lambda I) (A^T b)"],
        invalid=["inv(A^T A + lambda I_n) b", "inv(A^T A) A^T b + lambda b"],
    ),
    *rows(
        "rearranged",
        "gaussian",
        right=["inv(S) x - inv(S) mu", "-inv(S) (mu - x)", "(x^T inv(S) - mu^T inv(S))^T"],
        incorrect=["inv(S) x + inv(S) mu"],
    ),
]

ROWS = [*ASCII, *LATEX, *NUMPY, *UNICODE, *REARRANGED]


def _id(row):
    return f"{row.family}: {row.question}: {row.answer}"


def test_the_table_is_large_and_covers_every_family_both_ways():
    assert len(ROWS) >= 400
    for family in FAMILIES:
        family_rows = [row for row in ROWS if row.family == family]
        assert sum(row.right for row in family_rows) >= 30, family
        assert sum(not row.right for row in family_rows) >= 20, family
    assert len({(row.question, row.answer) for row in ROWS}) == len(ROWS), "a row is listed twice"


@pytest.mark.parametrize("row", [row for row in ROWS if row.right], ids=_id)
def test_a_right_answer_is_accepted(row):
    symbols, key = QUESTIONS[row.question]

    result = check(symbols, key, row.answer)

    assert result.verdict == "correct", result.message
    assert result.answer_shape == result.expected_shape


@pytest.mark.parametrize("row", [row for row in ROWS if not row.right], ids=_id)
def test_a_wrong_answer_is_rejected_without_a_misreading(row):
    symbols, key = QUESTIONS[row.question]

    result = check(symbols, key, row.answer)

    assert result.verdict == row.verdict, result.message
    assert result.message[:1].isupper(), result.message
