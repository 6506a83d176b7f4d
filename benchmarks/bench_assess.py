"""``assess`` throughput and memory beside VADER, and the cost of ``import deescalate``."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from benchmarks.measure import (
    interleaved_medians,
    peak_rss_mb,
    peak_traced_mb,
    ratio_line,
    subprocess_seconds,
    support_messages,
)

__all__ = ["run"]

_ONE_RULE_PACK = """pack: one-rule
language: en
rules:
  - id: never-matches
    kind: phrases
    signal: expresses-anger
    weight: 1.0
    phrases: [zzqxv]
"""


def run(quick: bool) -> list[str]:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from deescalate.assessment import Assessor

    count = 2_000 if quick else 20_000
    runs = 3 if quick else 5
    messages = support_messages(count)
    assessor = Assessor()
    vader = SentimentIntensityAnalyzer()

    ours_s, vader_s, ratio = interleaved_medians(
        assessor.assess, vader.polarity_scores, messages, runs=runs
    )
    # The same pipeline with one rule that never matches: what everything but the rule packs
    # costs (decoding, words, language, lexicon, detectors, the result), the floor rules sit on.
    with tempfile.TemporaryDirectory() as folder:
        pack = Path(folder) / "one-rule.yaml"
        pack.write_text(_ONE_RULE_PACK, encoding="utf-8")
        rules_off = Assessor([pack], builtin=False)
    rules_off_s, _, rules_off_ratio = interleaved_medians(
        rules_off.assess, vader.polarity_scores, messages, runs=runs
    )
    peak = peak_traced_mb(lambda: [assessor.assess(text) for text in messages])
    setup = "from benchmarks.measure import support_messages\nfrom deescalate import assess\n"
    rss_stream = peak_rss_mb(setup + f"for t in support_messages({count}): assess(t)")
    rss_kept = peak_rss_mb(setup + f"kept = [assess(t) for t in support_messages({count})]")
    import_s = subprocess_seconds("import deescalate", runs=runs + 2)
    bare_s = subprocess_seconds("pass", runs=runs + 2)
    heavy = subprocess_seconds(
        "import sys, deescalate; "
        "bad = [m for m in ('deescalate.cli', 'pydantic', 'yaml', 'zenpy', 'jira', 'deescalate_zendesk', "
        "'deescalate_jira', 'starlette', 'psycopg') if m in sys.modules]; "
        "sys.exit(f'import deescalate pulled in {bad}' if bad else 0)",
        runs=1,
    )
    del heavy
    return [
        f"messages: {count} synthetic support messages, 10-60 words; medians of {runs} runs, "
        "the two sides interleaved 200 messages at a time",
        f"assess:  {count / ours_s:,.0f} messages/s ({ours_s * 1e6 / count:.0f} µs each)",
        f"VADER:   {count / vader_s:,.0f} messages/s ({vader_s * 1e6 / count:.0f} µs each)",
        ratio_line("assess throughput", ours_s, "VADER", vader_s, 5, ratio=ratio),
        f"assess without the rule packs (one rule that never matches): {rules_off_s * 1e6 / count:.0f} µs"
        f" each, {rules_off_ratio:.1f}x VADER; the packs' rules take the other"
        f" {max(0.0, ours_s - rules_off_s) * 1e6 / count:.0f} µs",
        f"assess peak Python heap over {count} messages, results kept: {peak:.1f} MB",
        f"assess peak process memory (max RSS, interpreter included): {rss_stream:.0f} MB streaming,"
        f" {rss_kept:.0f} MB keeping all {count} results (goal < 100 MB)",
        f"import deescalate: {(import_s - bare_s) * 1000:.0f} ms over a bare interpreter "
        f"({import_s * 1000:.0f} ms in all; goal < 150 ms); pulls in no CLI, server or adapter module",
        f"python {sys.version.split()[0]}",
    ]
