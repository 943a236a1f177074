from django.urls import path

from exams import attempt_views, authoring, views

urlpatterns = [
    path("", views.home, name="home"),
    path("exams/", views.catalogue, name="catalogue"),
    path("exams/<slug:slug>/start/", views.start, name="exam_start"),
    path("attempts/<uuid:attempt_id>/", attempt_views.resume, name="attempt_resume"),
    path(
        "attempts/<uuid:attempt_id>/questions/<int:position>/",
        attempt_views.question_page,
        name="attempt_question",
    ),
    path(
        "attempts/<uuid:attempt_id>/questions/<int:position>/answer",
        attempt_views.save_answer,
        name="attempt_save",
    ),
    path("attempts/<uuid:attempt_id>/questions/<int:position>/flag", attempt_views.flag, name="attempt_flag"),
    path(
        "attempts/<uuid:attempt_id>/questions/<int:position>/preview",
        attempt_views.preview,
        name="attempt_preview",
    ),
    *[
        path(
            f"attempts/<uuid:attempt_id>/questions/<int:position>/{action}",
            attempt_views.practice_action,
            {"action": action},
            name=f"attempt_{action.replace('-', '_')}",
        )
        for action in ("check", "hint", "solution", "new-version")
    ],
    path("attempts/<uuid:attempt_id>/submit/", attempt_views.submit, name="attempt_submit"),
    path("attempts/<uuid:attempt_id>/abandon/", attempt_views.abandon, name="attempt_abandon"),
    path("attempts/<uuid:attempt_id>/status", attempt_views.status, name="attempt_status"),
    path("attempts/<uuid:attempt_id>/result/", attempt_views.result, name="attempt_result"),
    path("author/questions/<slug:slug>/", authoring.question_preview, name="author_question"),
    path("author/questions/<slug:slug>/history/", authoring.question_history, name="author_question_history"),
]
