"""matchmaker's benchmarks (`python -m bench`; section modules such as bench/meetings.py expose
run(quick: bool) -> str of Markdown); not part of the installed package."""
