"""Loads OR-Tools' CP-SAT module without pandas, which it imports only for helpers we never call.

`ortools.sat.python.cp_model` imports pandas at the top (about a third of a second, more
than all of CP-SAT's own start-up) for its `*_series` helpers, which build variables from
pandas indexes. matchmaker never calls them. While cp_model loads, a stand-in module with
the two names it reads (`Index`, `Series`) takes pandas' place; it is removed right after,
so anything that imports pandas later gets the real one, and cp_model's own name for
pandas then imports the real pandas the first time one of those helpers uses it. Should a
future OR-Tools need more of pandas at import time, cp_model is loaded the ordinary way.
"""

from __future__ import annotations

import sys
import types


class _PandasOnFirstUse(types.ModuleType):
    """Stands for pandas inside cp_model: the real module is imported on first use."""

    def __getattr__(self, name: str) -> object:
        import pandas

        return getattr(pandas, name)


def _without_pandas() -> None:
    if "pandas" in sys.modules or "ortools.sat.python.cp_model" in sys.modules:
        return
    stand_in = types.ModuleType("pandas", "stand-in while OR-Tools' cp_model loads")
    stand_in.Index = type("Index", (), {})  # type: ignore[attr-defined]
    stand_in.Series = type("Series", (), {})  # type: ignore[attr-defined]
    sys.modules["pandas"] = stand_in
    try:
        from ortools.sat.python import cp_model

        cp_model.pd = _PandasOnFirstUse("pandas")  # type: ignore[attr-defined]
    except Exception:
        sys.modules.pop("ortools.sat.python.cp_model", None)
    finally:
        if sys.modules.get("pandas") is stand_in:
            del sys.modules["pandas"]


_without_pandas()
