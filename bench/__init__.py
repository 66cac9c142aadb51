"""Benchmarks: section modules that each expose run(quick: bool) -> str (Markdown)."""
