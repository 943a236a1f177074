"""The load test's CPU accounting: the machine's own work apart from the time the hypervisor took."""

from benchmarks.load.metrics import TICKS, busy_and_stolen


def test_busy_time_leaves_out_idle_iowait_and_steal():
    # /proc/stat's first line: user nice system idle iowait irq softirq steal guest guest_nice
    busy, stolen = busy_and_stolen([100, 10, 50, 1000, 30, 5, 15, 200, 0, 0])
    assert busy == 180 / TICKS
    assert stolen == 200 / TICKS


def test_a_kernel_that_counts_no_steal_reports_none():
    assert busy_and_stolen([100, 0, 50, 1000, 30, 5, 15]) == (170 / TICKS, 0.0)
