"""Scenario files (JSON or YAML) read within caps on size, nesting, values and YAML aliases.

Every path that reads a scenario, the pages' and API's import and the command line's
`import` and `solve`, goes through here, so one set of caps holds everywhere. The YAML
caps are counted while the document is composed, before anything is built from it: an
alias ("billion laughs") or a nesting too deep is refused at the line where the budget
runs out, not after the expansion has cost its memory.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from matchmaker.text import MAX_DEPTH

MAX_BYTES = 20 * 1024 * 1024
# Values (objects, lists, scalars and the keys of objects) in one document, what aliases
# stand for included. A national round (20,000 firms, 500 missions) has about 2 million.
MAX_NODES = 3_000_000
# What all of a YAML document's aliases stand for together: anchors are for repeating a
# small block (`<<: *defaults`), not for multiplying the document.
MAX_ALIAS_NODES = 10_000
# Characters of a number. The scenario's validation refuses any number over 10**9 naming
# its path; this cap only bounds what converting one costs (YAML's sexagesimal `1:2:3`
# takes a multiplication per part) before validation sees it.
MAX_NUMBER_CHARACTERS = 100


class DocumentError(ValueError):
    """A file that cannot be read as a scenario document; the message says why and where."""


def read_file(path: str | Path) -> Any:
    """The document in a scenario file (YAML by its .yaml/.yml extension, else JSON)."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise DocumentError("no such file") from None
    except OSError as exc:
        raise DocumentError(f"cannot be read ({exc})") from None
    if size > MAX_BYTES:
        raise DocumentError(f"is larger than {MAX_BYTES // (1024 * 1024)} MB")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DocumentError(f"cannot be read ({exc})") from None
    if path.suffix.lower() in (".yaml", ".yml"):
        return load_yaml(text)
    return load_json(text)


def read_upload(content: bytes, filename: str | None = None) -> Any:
    """The document in an uploaded file: YAML by extension, JSON by extension or by its
    first character, otherwise whichever of the two reads."""
    if len(content) > MAX_BYTES:
        raise DocumentError(f"is larger than {MAX_BYTES // (1024 * 1024)} MB")
    if not content.strip():
        raise DocumentError("is empty")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DocumentError("is not UTF-8 text") from None
    name = (filename or "").lower()
    if name.endswith((".yaml", ".yml")):
        return load_yaml(text)
    if name.endswith(".json") or text.lstrip().startswith(("{", "[")):
        return load_json(text)
    try:
        return load_json(text)
    except DocumentError:
        return load_yaml(text, error="not valid JSON or YAML")


# --------------------------------------------------------------------------- JSON


class _NumberTooLong(Exception):
    pass


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_NUMBER_CHARACTERS:
        raise _NumberTooLong(text)
    return int(text)


def _constant(text: str) -> Any:
    raise _NumberTooLong(text)


def load_json(text: str) -> Any:
    """A JSON document, its integers, nesting and number of values capped."""
    try:
        document = json.loads(text, parse_int=_integer, parse_constant=_constant)
    except json.JSONDecodeError as exc:
        raise DocumentError(
            f"not valid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    except RecursionError:
        raise DocumentError(f"is nested more than {MAX_DEPTH} deep") from None
    except _NumberTooLong as exc:
        shown = exc.args[0] if len(exc.args[0]) <= 24 else exc.args[0][:21] + "..."
        if shown.lstrip("-").isdigit() or shown.endswith("..."):
            message = f"the number {shown} has more than {MAX_NUMBER_CHARACTERS} digits"
        else:
            message = f"{shown} is not a number JSON allows"
        raise DocumentError(message) from None
    check_tree(document)
    return document


def check_tree(document: Any) -> None:
    """Refuse a parsed JSON-like value nested deeper than MAX_DEPTH or with more than
    MAX_NODES values and keys (for documents that came parsed, e.g. an API body)."""
    nodes = 0
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        nodes += 1
        if nodes > MAX_NODES:
            raise DocumentError(f"has more than {MAX_NODES:,} values")
        if isinstance(value, dict):
            nodes += len(value)  # the keys
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth >= MAX_DEPTH and children:
            raise DocumentError(f"is nested more than {MAX_DEPTH} deep")
        stack.extend((child, depth + 1) for child in children)


# --------------------------------------------------------------------------- YAML


def load_yaml(text: str, *, error: str = "not valid YAML") -> Any:
    """A YAML document read with the safe constructors, its nesting, values, aliases and
    numbers capped while it is composed."""
    import yaml

    loader = _loader_class()(text)
    try:
        return loader.get_single_data()
    except _Refused as exc:
        raise DocumentError(str(exc)) from None
    except RecursionError:
        raise DocumentError(f"is nested more than {MAX_DEPTH} deep") from None
    except yaml.YAMLError as exc:
        raise DocumentError(f"{error} ({exc})") from None
    finally:
        loader.dispose()


class _Refused(Exception):
    """Raised inside the loader when a cap is reached; the message names the line."""


_LOADER: type | None = None


def _loader_class() -> type:
    """The bounded loader, built once (on libyaml's parser when PyYAML has it)."""
    global _LOADER
    if _LOADER is None:
        _LOADER = _build_loader()
    return _LOADER


def _build_loader() -> type:
    import yaml
    from yaml.composer import Composer
    from yaml.constructor import SafeConstructor
    from yaml.events import AliasEvent
    from yaml.resolver import Resolver

    class BoundedComposer(Composer):
        """Counts the nodes as they are composed: depth, total and through aliases."""

        def __init__(self) -> None:
            super().__init__()
            self.node_count = 0
            self.alias_count = 0
            self.depth = 0
            self.anchor_sizes: dict[str, int] = {}

        def _refuse(self, message: str) -> None:
            mark = self.peek_event().start_mark
            raise _Refused(f"line {mark.line + 1}: {message}")

        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(AliasEvent):
                size = self.anchor_sizes.get(self.peek_event().anchor, 1)
                self.alias_count += size
                self.node_count += size
                if self.alias_count > MAX_ALIAS_NODES:
                    self._refuse(
                        f"its aliases stand for more than {MAX_ALIAS_NODES:,} values "
                        "(anchors may repeat a small block, not multiply the document)"
                    )
                if self.node_count > MAX_NODES:
                    self._refuse(f"the document has more than {MAX_NODES:,} values")
                return super().compose_node(parent, index)
            self.depth += 1
            self.node_count += 1
            if self.depth > MAX_DEPTH:
                self._refuse(f"the document is nested more than {MAX_DEPTH} deep")
            if self.node_count > MAX_NODES:
                self._refuse(f"the document has more than {MAX_NODES:,} values")
            start = self.node_count
            anchor = getattr(self.peek_event(), "anchor", None)
            node = super().compose_node(parent, index)
            self.depth -= 1
            if anchor is not None:
                self.anchor_sizes[anchor] = self.node_count - start + 1
            return node

    class BoundedConstructor(SafeConstructor):
        """The safe constructors, numbers of bounded length only."""

        def _short(self, node: Any) -> None:
            if len(node.value) > MAX_NUMBER_CHARACTERS:
                line = node.start_mark.line + 1
                raise _Refused(
                    f"line {line}: a number longer than {MAX_NUMBER_CHARACTERS} characters"
                )

        def construct_yaml_int(self, node: Any) -> int:
            self._short(node)
            return super().construct_yaml_int(node)

        def construct_yaml_float(self, node: Any) -> float:
            self._short(node)
            return super().construct_yaml_float(node)

    if getattr(yaml, "__with_libyaml__", False):
        from yaml.cyaml import CParser

        class Loader(BoundedComposer, CParser, BoundedConstructor, Resolver):  # type: ignore[misc]
            def __init__(self, stream: str) -> None:
                CParser.__init__(self, stream)
                BoundedComposer.__init__(self)
                BoundedConstructor.__init__(self)
                Resolver.__init__(self)

    else:
        from yaml.parser import Parser
        from yaml.reader import Reader
        from yaml.scanner import Scanner

        class Loader(Reader, Scanner, Parser, BoundedComposer, BoundedConstructor, Resolver):  # type: ignore[no-redef]
            def __init__(self, stream: str) -> None:
                Reader.__init__(self, stream)
                Scanner.__init__(self)
                Parser.__init__(self)
                BoundedComposer.__init__(self)
                BoundedConstructor.__init__(self)
                Resolver.__init__(self)

    Loader.add_constructor("tag:yaml.org,2002:int", BoundedConstructor.construct_yaml_int)
    Loader.add_constructor("tag:yaml.org,2002:float", BoundedConstructor.construct_yaml_float)
    return Loader
