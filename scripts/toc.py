"""The documents listed in _toc.yml, in order: one reader for every build script."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def toc_docnames() -> list[str]:
    """Docnames (no suffix) of the root and every ``file`` entry of _toc.yml, in order."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    found: list[str] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            for key in ("root", "file"):
                if isinstance(node.get(key), str):
                    doc = re.sub(r"\.(md|ipynb)$", "", node[key])
                    if doc not in found:
                        found.append(doc)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(toc)
    return found
