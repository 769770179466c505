"""The chapters listed in _toc.yml, in order, and their titles: one reader for every script."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def toc_chapters(root: Path = ROOT, parts: tuple[str, ...] | None = None) -> list[str]:
    """Docnames under chapters/ in _toc.yml order (of the parts with these captions)."""
    toc = yaml.safe_load((Path(root) / "_toc.yml").read_text(encoding="utf-8"))
    return [re.sub(r"\.(md|ipynb)$", "", entry["file"]) for part in toc.get("parts", [toc])
            if parts is None or part.get("caption") in parts
            for entry in part.get("chapters", []) if entry.get("file", "").startswith("chapters/")]


def chapter_title(docname: str, root: Path = ROOT) -> str:
    """The chapter's level-1 heading."""
    text = (Path(root) / f"{docname}.md").read_text(encoding="utf-8")
    return re.search(r"^# (.+)$", text, re.M).group(1).strip()


def is_notebook(text: str) -> bool:
    """A chapter source with a kernel in its front matter (executed), not a text page."""
    return "kernelspec" in text.split("\n---", 1)[0]
