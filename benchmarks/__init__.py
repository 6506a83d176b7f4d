"""Benchmarks run by ``make bench``: throughput and memory against named baselines.

Each module in :data:`BENCHMARKS` defines ``run(quick: bool) -> list[str]`` returning the report
lines it printed figures for. Timings are medians of several runs; nothing here is asserted.
"""

BENCHMARKS = (
    "benchmarks.bench_assess",
    "benchmarks.bench_lint",
    "benchmarks.bench_promises",
    "benchmarks.bench_ledger",
    "benchmarks.bench_queues",
    "benchmarks.bench_service",
    "benchmarks.bench_hostile",
    "benchmarks.bench_zendesk",
    "benchmarks.bench_jira",
    "benchmarks.bench_report",
)
