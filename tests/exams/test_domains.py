import pytest

from exams.models import Domain

pytestmark = pytest.mark.django_db


def test_the_eight_course_domains_exist_in_order():
    assert [domain.name for domain in Domain.objects.all()] == [
        "Introduction to Matrix Calculus",
        "Review of Prerequisites",
        "Matrix Derivatives Basics",
        "Matrix Calculus Rules",
        "Gradient, Jacobian, and Hessian",
        "Applications in Machine Learning",
        "Practical Tools",
        "Advanced Use Cases",
    ]
    assert [domain.number for domain in Domain.objects.all()] == list(range(1, 9))


def test_every_domain_has_a_description():
    assert all(len(domain.description) > 40 for domain in Domain.objects.all())


def test_the_home_page_lists_the_domains(client):
    html = client.get("/").content.decode()
    assert "Advanced Use Cases" in html
    assert "Eigenvalue derivatives" in html
