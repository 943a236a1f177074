from django.urls import path

from exams import authoring, views

urlpatterns = [
    path("", views.home, name="home"),
    path("exams/", views.catalogue, name="catalogue"),
    path("author/questions/<slug:slug>/", authoring.question_preview, name="author_question"),
    path("author/questions/<slug:slug>/history/", authoring.question_history, name="author_question_history"),
]
