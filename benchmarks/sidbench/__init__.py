"""sid-connector benchmark harness (issue 7): workloads, measures and the results file."""
