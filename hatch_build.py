"""Build step of the wheel: the message catalogues (.po) are compiled into .mo files beside
them, so an installed matchmaker reads compiled catalogues; none are kept in the repository."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CompiledCatalogues(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return  # an editable install compiles the .po files in memory when first used
        from babel.messages import mofile, pofile

        self._compiled = Path(tempfile.mkdtemp(prefix="matchmaker-mo-"))
        locales = Path(self.root) / "matchmaker" / "locales"
        for source in sorted(locales.glob("*/LC_MESSAGES/*.po")):
            language = source.parent.parent.name
            with source.open("rb") as po:
                catalog = pofile.read_po(po, locale=language)
            target = self._compiled / language / source.with_suffix(".mo").name
            target.parent.mkdir(parents=True)
            with target.open("wb") as mo:
                mofile.write_mo(mo, catalog)
            inside = source.relative_to(self.root).with_suffix(".mo").as_posix()
            build_data["force_include"][str(target)] = inside

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        compiled = getattr(self, "_compiled", None)
        if compiled is not None:
            shutil.rmtree(compiled, ignore_errors=True)
