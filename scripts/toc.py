"""The documents listed in _toc.yml, in order: one reader for every build script."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def toc_docnames(root: Path = ROOT) -> list[str]:
    """Docnames (no suffix) of the root and every ``file`` entry of _toc.yml, in order."""
    found: list[str] = []

    def walk(node) -> None:
        if isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, dict):
            for key in ("root", "file"):
                doc = re.sub(r"\.(md|ipynb)$", "", str(node.get(key, "")))
                if doc and doc not in found:
                    found.append(doc)
            for value in node.values():
                walk(value)

    walk(yaml.safe_load((Path(root) / "_toc.yml").read_text(encoding="utf-8")))
    return found


def toc_chapters(root: Path = ROOT) -> list[str]:
    """Docnames under chapters/, in _toc.yml order."""
    return [doc for doc in toc_docnames(root) if doc.startswith("chapters/")]
