import pytest


@pytest.mark.django_db
def test_home_page_explains_dxam_and_links_to_the_catalogue(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Matrix Calculus for Data Science &amp; Machine Learning" in html
    assert 'href="/exams/"' in html
    assert "Gradient, Jacobian, and Hessian" in html


@pytest.mark.django_db
def test_the_catalogue_says_when_no_exam_is_published(client):
    from exams.models import Exam

    Exam.objects.update(is_published=False)
    response = client.get("/exams/")
    assert response.status_code == 200
    assert "No exams are published yet" in response.content.decode()


@pytest.mark.django_db
def test_the_header_shows_the_signed_in_user(client, learner):
    client.force_login(learner)
    html = client.get("/").content.decode()
    assert "Ada Lovelace" in html
    assert "Sign out" in html
