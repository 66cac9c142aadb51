"""Keep the message catalogues complete: list what lacks a translation, add translations, tidy.

    python scripts/catalogue.py missing [--language nl]     # messages without a translation
    python scripts/catalogue.py add FILE.json [--language nl]  # {"English": "Nederlands", ...}
    python scripts/catalogue.py tidy [--language nl]        # sort, drop stale, set locations

`add` only appends to the .po file (so parallel branches merge line by line, see
.gitattributes); `tidy` rewrites it from what `pybabel extract -F babel.cfg` finds.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matchmaker import i18n  # noqa: E402

KEYWORDS = {**DEFAULT_KEYWORDS, "mark": None}


def extracted() -> Catalog:
    """What `pybabel extract -F babel.cfg -k mark` finds in the code and the templates."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = Catalog()
    for filename, line, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        found.add(message, locations=[(filename, line)], context=context)
    return found


def catalogue(language: str) -> Catalog:
    with i18n.catalogue_path(language).open("rb") as source:
        return read_po(source, locale=language)


def key(message_id: str | tuple[str, ...]) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


def missing(language: str) -> list[str]:
    """The English messages of code and templates that `language` has no translation of."""
    known = catalogue(language)
    lacking = []
    for message in extracted():
        if not message.id:
            continue
        translated = known.get(message.id, context=message.context)
        text = translated.string if translated is not None else None
        complete = all(text) if isinstance(text, tuple | list) else bool(text)
        if translated is None or not complete or translated.fuzzy:
            lacking.append(key(message.id))
    return lacking


def _po_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def add(language: str, translations: dict[str, str]) -> int:
    """Add `translations` (English → translation) the catalogue lacks; returns how many.
    New entries are appended; an entry `pybabel update` left empty is filled where it is."""
    path = i18n.catalogue_path(language)
    known = catalogue(language)
    text = path.read_text("utf-8")
    lines, added = [], 0
    for english, translated in translations.items():
        entry = known.get(english)
        if entry is not None and entry.string:
            continue
        added += 1
        empty = f'msgid {_po_string(english)}\nmsgstr ""\n'
        if entry is not None and empty in text:
            text = text.replace(
                empty, f"msgid {_po_string(english)}\nmsgstr {_po_string(translated)}\n"
            )
            continue
        lines += ["", f"msgid {_po_string(english)}", f"msgstr {_po_string(translated)}"]
    path.write_text(text + ("\n".join(lines) + "\n" if lines else ""), "utf-8")
    return added


def tidy(language: str) -> None:
    """Rewrite the catalogue in the order of the messages' first use, stale entries dropped."""
    known = catalogue(language)
    wanted = extracted()
    tidied = Catalog(
        locale=language,
        header_comment=known.header_comment,
        project="matchmaker",
        msgid_bugs_address="",
        last_translator="matchmaker",
        language_team=known.language_team,
        fuzzy=False,
    )
    for message in wanted:
        if not message.id:
            continue
        translated = known.get(message.id, context=message.context)
        tidied.add(
            message.id,
            translated.string if translated is not None else "",
            locations=message.locations,
            flags=message.flags,
            context=message.context,
        )
    with i18n.catalogue_path(language).open("wb") as target:
        write_po(target, tidied, width=100, no_location=True, sort_output=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["missing", "add", "tidy"])
    parser.add_argument("file", nargs="?", help="add: a JSON object English → translation")
    parser.add_argument("--language", default="nl", choices=[c for c in i18n.LANGUAGES])
    arguments = parser.parse_args()
    if arguments.command == "missing":
        for message in missing(arguments.language):
            print(_po_string(message))
    elif arguments.command == "add":
        if not arguments.file:
            parser.error("add needs a JSON file")
        added = add(arguments.language, json.loads(Path(arguments.file).read_text("utf-8")))
        print(f"{added} translations added")
    else:
        tidy(arguments.language)


if __name__ == "__main__":
    main()
