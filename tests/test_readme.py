"""The README's Performance section quotes the latest benchmark results, not hand-typed numbers."""

import json

from benchmarks import readme


def test_performance_section_matches_latest_results():
    text = readme.README.read_text(encoding="utf-8")
    assert readme.START in text and readme.END in text, "run: python -m benchmarks.readme"
    results = json.loads(readme.LATEST.read_text(encoding="utf-8"))
    assert readme.render(text, results) == text, "README is stale: python -m benchmarks.readme"


def test_section_reports_every_case_with_before_and_after():
    results = json.loads(readme.LATEST.read_text(encoding="utf-8"))
    block = readme.section(results)
    assert "| before (ms) | after (ms) | after/before |" in block
    for case in results["target_summary"]:
        assert f"| {case} |" in block
    for step, _, _ in readme.build_rows(results):
        assert f"| {step} |" in block
    assert results["machine"]["cpu_model"] in block
