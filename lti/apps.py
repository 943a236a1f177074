from django.apps import AppConfig


class LtiConfig(AppConfig):
    name = "lti"
    verbose_name = "LTI 1.3"

    def ready(self) -> None:
        from exams.signals import attempt_graded, attempt_started
        from lti import passback

        attempt_started.connect(passback.link_attempt_to_launch, dispatch_uid="lti.link_attempt")
        attempt_graded.connect(passback.queue_score, dispatch_uid="lti.queue_score")
