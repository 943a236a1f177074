"""The load test's stack runs grading at the priority the README recommends, or at the web's when asked."""

from benchmarks.load.stack import Stack, StackOptions


def test_worker_and_beat_yield_the_cpu_by_default(tmp_path):
    stack = Stack(tmp_path / "run", StackOptions(worker_nice=10))
    for command in (stack.worker_command(), stack.beat_command()):
        assert command[:3] == ["nice", "-n", "10"]
        assert "celery" in command[3] and "config" in command
    assert "nice" not in stack.web_command()


def test_nice_zero_runs_grading_at_the_web_servers_priority(tmp_path):
    stack = Stack(tmp_path / "run", StackOptions(worker_nice=0))
    assert "nice" not in stack.worker_command() and "nice" not in stack.beat_command()
