"""The learner simulator: real attempts, graded through the real path, with an item-response model's shape."""

import pytest
from django.core.management import CommandError, call_command

from analytics.simulation import simulate_learners
from analytics.statistics import exam_statistics
from exams.models import Attempt

pytestmark = pytest.mark.django_db


def test_simulated_learners_take_the_exam_through_the_real_attempt_path(simulated_exam, committed):
    simulation = committed(simulate_learners, simulated_exam, 60, seed=1)
    attempts = Attempt.objects.filter(exam=simulated_exam)
    assert attempts.count() == 60
    assert set(attempts.values_list("status", flat=True)) == {Attempt.Status.GRADED}
    assert all(item.first_seen_at is not None for item in attempts.first().questions.all())
    scores = [Attempt.objects.get(pk=attempt.pk).score for attempt in simulation.attempts]
    ability_order = sorted(range(60), key=lambda i: simulation.abilities[i])
    weakest = [scores[i] for i in ability_order[:20]]
    strongest = [scores[i] for i in ability_order[-20:]]
    assert sum(strongest) > sum(weakest)  # abler learners score higher


def test_hard_questions_have_lower_facility_and_discrimination_is_mostly_positive(simulated_exam, committed):
    committed(simulate_learners, simulated_exam, 150, seed=2)
    items = {item.slug: item for item in exam_statistics(simulated_exam).items}
    assert items["easy-choice"].facility > items["hard-choice"].facility
    assert items["trace"].facility > items["determinant"].facility
    assert sum(item.discrimination > 0 for item in items.values()) >= 5


def test_the_command_reports_and_refuses_an_unknown_exam(simulated_exam, capsys, committed):
    committed(call_command, "simulate_learners", "3", "--exam", "simulated", "--seed", "4")
    assert "3 simulated learners took simulated" in capsys.readouterr().out
    with pytest.raises(CommandError, match="No exam"):
        call_command("simulate_learners", "3", "--exam", "nope")


def test_first_attempts_leave_out_retakes(simulated_exam, committed, learner):
    simulation = committed(simulate_learners, simulated_exam, 30, seed=5, locations={})
    retaker = simulation.attempts[0].learner
    committed(simulated_exam.start_attempt(retaker).submit)
    assert exam_statistics(simulated_exam).attempts == 31
    first = exam_statistics(simulated_exam, first_only=True)
    assert first.attempts == 30
    assert Attempt.objects.filter(exam=simulated_exam).count() == 31
