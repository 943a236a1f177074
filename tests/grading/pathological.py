# The answer whose check never finishes in the worker of test_grading_timeout_on_a_worker.
PATHOLOGICAL = "(A + A^T) x + 0 x"
