"""The author preview of a randomized question lists its parameters as exact values."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_preview_lists_fractions_and_matrices_of_parameters_exactly(client, author, make_question):
    question = make_question(
        "numeric",
        stem="Compute $(A^{-1})_{11}$ for $A = {{A}}$.",
        answer="{{r}}",
        parameters={"A": {"expr": "[[3, 1], [3, 4]]"}, "Ai": {"expr": "inv(A)"}, "r": {"expr": "Ai[0, 0]"}},
    )
    client.force_login(author)
    html = client.get(f"/author/questions/{question.slug}/").content.decode()
    assert "<code>Ai = [[4/9, -1/9], [-1/3, 1/3]]</code>" in html
    assert "<code>r = 4/9</code>" in html
    assert r"\begin{bmatrix} 3 &amp; 1 \\ 3 &amp; 4 \end{bmatrix}" in html
