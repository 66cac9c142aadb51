"""The engine loads OR-Tools without pandas (a third of a second of every command)."""

from __future__ import annotations

import subprocess
import sys


def test_engine_import_leaves_pandas_out_and_real_pandas_importable_after():
    code = (
        "import sys\n"
        "import matchmaker.optimisation\n"
        "from ortools.sat.python import cp_model\n"
        "assert 'pandas' not in sys.modules, 'pandas was imported'\n"
        "model = cp_model.CpModel(); x = model.new_bool_var('x'); model.maximize(x)\n"
        "solver = cp_model.CpSolver()\n"
        "assert solver.solve(model) == cp_model.OPTIMAL\n"
        "import pandas\n"
        "assert hasattr(pandas, 'DataFrame'), 'the stand-in was left behind'\n"
        "index = pandas.Index(range(3))\n"
        "assert len(cp_model.CpModel().new_bool_var_series('b', index)) == 3\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
