"""Downloadable notebooks and the offline bundle: ``python -m scripts.notebooks``.

After the HTML build, for every chapter in _toc.yml, writes to _build/html/notebooks/:

* ``<chapter>.ipynb``: plain Jupyter Markdown and code, no MyST markup.
  Cross-references become links to the sibling notebook, glued values their
  values (from the build's executed outputs), literalincluded kernels their
  current source, admonitions blockquotes, solutions ``<details>``; verification
  cells (tag ``check``) stay, headed ``# Check:``.
* ``<chapter>-practice.ipynb`` (chapters with ``solution`` cells): each solution
  cell becomes a ``# TODO`` cell that sets the same names to ``...``, and its
  ``exercise-check`` cell a self-check printing whether the answer is right.

and _build/html/course-notebooks.zip: every notebook, a lossfuncs wheel built
from this repository, requirements.txt and a README (see README_TEXT).

sphinx-tojupyter 0.6 (QuantEcon's notebook builder from the doctree) was tried
first, on tests/fixtures/probe.md: it resolves glue and references, but works after
cells are removed and drops cell tags (so neither `# Check:` cells nor practice
notebooks can be made), shows solutions and dropdowns open instead of as
``<details>``, writes ``ipython3`` code cells as Markdown code blocks, and pulls
dask, distributed and nbdime into the environment; hence this converter of the
MyST source (read with jupytext; glue values formatted by myst-nb's own function).
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import jupytext
import nbformat
from myst_nb.core.variables import format_plain_text

from scripts.toc import is_notebook, toc_chapters

ROLE = re.compile(r"\{([a-z][\w:+-]*)\}`([^`]*)`")
FENCE = re.compile(r"^\s*(`{3,}|:{3,})\{([\w:-]+)\}\s*(.*)$")
TARGET = re.compile(r"^\((\S+)\)=\s*$")
EQ_LABEL = re.compile(r"\$\$\s*\(([\w:.-]+)\)[ \t]*$", re.M)
ADMONITIONS = {"note", "tip", "hint", "important", "warning", "caution", "attention",
               "danger", "error", "seealso", "admonition"}
HIDDEN = {"remove-cell", "hide-cell", "check"}
BUNDLE = "course-notebooks"
#: uv, installed in the course's venv beside this Python (requirements.txt)
UV = Path(sys.executable).parent / "uv"
#: The course website, where the interactive figures live (_config.yml course_site_url).
SITE_URL = re.search(r"^\s*course_site_url:\s*(\S+)", (Path(__file__).resolve().parent.parent
                     / "_config.yml").read_text(encoding="utf-8"), re.M).group(1)
REQUIREMENTS = ("numpy", "array-api-compat", "matplotlib", "scipy", "keras", "jax[cpu]",
                "jaxlib", "mpmath", "ipykernel", "myst-nb")  # myst-nb: the chapters' glue()
README_TEXT = """\
# Loss functions, tested: the notebooks

Every chapter as a notebook (`<chapter>.ipynb`) and, for chapters with exercises, a
practice notebook (`<chapter>-practice.ipynb`: write your answer in each `# TODO` cell,
then run the check below it). Nothing here needs the course repository or a network
connection beyond installing the packages. In this folder, with Python 3.11 or later:

    python3 -m venv .venv && . .venv/bin/activate
    python -m pip install -r requirements.txt {wheel} jupyterlab
    jupyter lab

(On Windows the second step of the first line is `.venv\\Scripts\\activate`.)
"""


def tags(cell) -> set[str]:
    return set(cell.metadata.get("tags", []))


def split_title(body: str) -> tuple[str | None, str]:
    m = re.fullmatch(r"(.*?)\s*<([^<>]+)>", body.strip(), re.S)
    return (m.group(1), m.group(2)) if m else (None, body.strip())


class Chapter:
    """One chapter's source and what its markup refers to."""

    def __init__(self, path: Path, glue: dict, book: dict[str, "Chapter"]):
        self.path, self.stem, self.glue, self.book = path, path.stem, glue, book
        self.text = path.read_text(encoding="utf-8")
        self.title = next((l[2:].strip() for l in self.text.splitlines() if l.startswith("# ")),
                          self.stem)
        labels = re.findall(r"\{exercise\}.*\n(?:.*\n)*?:label:\s*(\S+)", self.text)
        self.exercises = {label: n for n, label in enumerate(labels, 1)}
        self.exercise_text: dict[str, str] = {}
        self.equations = {l: n for n, l in enumerate(re.findall(r"\$\$\s*\(([\w:.-]+)\)", self.text), 1)}
        # a figure's name: in its cell's metadata, after a caption of one or more lines
        figures = re.findall(r"figure:[ \t]*\n(?:[ \t]+.*\n)*?[ \t]+name:\s*(\S+)", self.text)
        self.figures = {name: n for n, name in enumerate(figures, 1)}
        self.targets = {m.group(1): self.heading_after(m.end())
                        for m in re.finditer(r"^\((\S+)\)=\s*$", self.text, re.M)}

    def heading_after(self, pos: int) -> str:
        m = re.compile(r"^#+\s+(.*)$", re.M).search(self.text, pos)
        return m.group(1).strip() if m else self.title

    # -- inline markup
    def link(self, label: str) -> tuple[str, str]:
        """(text, href) of a label defined anywhere in the book."""
        for ch in [self, *self.book.values()]:
            prefix = "" if ch is self else f"{ch.stem}.ipynb"
            if label in ch.exercises:
                return f"Exercise {ch.exercises[label]}", f"{prefix}#{label}"
            if label in ch.targets:
                return ch.targets[label], f"{prefix}#{label}"
            if label in ch.figures:
                return f"Figure {ch.figures[label]}" + (f" of {ch.title}" if prefix else ""), prefix
        return label, ""

    def role(self, m: re.Match) -> str:
        name, body = m.groups()
        title, target = split_title(body)
        if name == "doc":
            ch = self.book.get(Path(target).stem)  # pages without a notebook: plain text
            return f"[{title or ch.title}]({ch.stem}.ipynb)" if ch else title or Path(target).stem
        if name in ("ref", "numref", "exercise", "solution"):
            text, href = self.link(target)
            return f"[{title or text}]({href})" if href else title or text
        if name == "eq":
            return f"({self.equations.get(target, '?')})"
        if name == "math":
            return f"${body}$"
        if name.startswith("glue"):
            return self.glued(name, body)
        return title or target

    def glued(self, name: str, body: str) -> str:
        """A glued value (role or directive ``glue``, ``glue:text``, ``glue:md``)."""
        key, _, fmt = body.partition(":")
        if key not in self.glue:
            raise KeyError(f"{self.path.name}: no glued value {key!r} (build the book first)")
        data = self.glue[key]["data"]
        if name == "glue:md" and "text/markdown" in data:
            return data["text/markdown"]
        return format_plain_text(data["text/plain"], fmt)

    def inline(self, line: str) -> str:
        line = EQ_LABEL.sub(lambda m: f"\\tag{{{self.equations.get(m.group(1), '')}}}$$", line)
        return ROLE.sub(self.role, line)

    # -- block markup
    def markdown(self, text: str, practice: bool) -> str:
        lines, out, plain, i = text.splitlines(), [], [], 0
        in_code = None

        def flush():  # roles may span lines: convert a run of plain lines at once
            out.append(self.inline("\n".join(plain))) if plain else None
            plain.clear()

        while i < len(lines):
            line = lines[i]
            if in_code or FENCE.match(line) or re.match(r"^\s*(`{3,}|~{3,})", line) \
                    or TARGET.match(line):
                flush()
            fence = re.match(r"^\s*(`{3,}|~{3,})", line)
            if in_code:
                out.append(line)
                if line.strip().startswith(in_code) and not line.strip().strip(in_code[0]):
                    in_code = None
                i += 1
                continue
            m = FENCE.match(line)
            if m:
                mark, name, arg = m.groups()
                j = i + 1
                while j < len(lines) and not re.fullmatch(rf"\s*{re.escape(mark[0])}{{{len(mark)},}}\s*", lines[j]):
                    j += 1
                options, body = self.options(lines[i + 1:j])
                if name == "solution-start":  # its body runs to solution-end or the cell's end
                    end = next((k for k in range(j + 1, len(lines))
                                if re.match(r"^\s*:{3,}\{solution-end\}", lines[k])), len(lines))
                    out.append(self.solution(arg, "\n".join(lines[j + 1:end]), practice))
                    i = end
                    continue
                out.append(self.directive(name, arg.strip(), options, body, practice))
                i = j + 1
                continue
            if fence:
                in_code = fence.group(1)
                out.append(line)
            elif TARGET.match(line):
                out.append(f'<a id="{TARGET.match(line).group(1)}"></a>')
            elif not line.startswith("%"):
                plain.append(line)
            i += 1
        flush()
        return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()

    @staticmethod
    def options(lines: list[str]) -> tuple[dict, str]:
        options, k = {}, 0
        if lines and lines[0].strip() == "---":
            k = lines.index("---", 1) + 1
            options = {l.split(":", 1)[0].strip(): l.split(":", 1)[1].strip()
                       for l in lines[1:k - 1] if ":" in l}
        while k < len(lines) and re.match(r"^\s*:[\w-]+:", lines[k]):
            key, _, value = lines[k].strip()[1:].partition(":")
            options[key], k = value.strip(), k + 1
        return options, "\n".join(lines[k:]).strip("\n")

    def directive(self, name, arg, options, body, practice) -> str:
        inner = self.markdown(body, practice)
        if name == "literalinclude":
            return f"```{options.get('language', 'python')}\n{self.include(arg, options)}\n```"
        if name in ("code-block", "code", "sourcecode"):
            return f"```{arg}\n{body}\n```"
        if name == "math":
            return f"$$\n{body}\n$$"
        if name in ("glue", "glue:any", "glue:md"):
            return self.glued(name, arg)
        if name == "exercise":
            label = options.get("label", "")
            n = self.exercises.get(label, "")
            self.exercise_text[label] = inner
            head = f'<a id="{label}"></a>\n\n' if label else ""
            return head + quote(f"**Exercise {n}**" + (f" ({arg})" if arg else "") + f"\n\n{inner}")
        if name == "solution":
            return "" if practice else details(f"Solution to Exercise {self.exercises.get(arg, '')}", inner)
        if name == "solution-end":
            return ""
        if name == "dropdown" or "dropdown" in options.get("class", ""):
            return "" if practice and arg.lower().startswith("solution") else details(arg or name.title(), inner)
        if name == "explorable":  # web only (_ext/explorables.py): link to it
            url = f"{SITE_URL}chapters/{self.stem}.html#explorable-{arg}"
            return quote(f"**Interactive figure** on the course website: "
                         f"[{options.get('caption', arg)}]({url})")
        if name in ADMONITIONS:
            return quote(f"**{arg or name.title()}**\n\n{inner}")
        if name in ("toctree", "contents", "tableofcontents", "eval-rst", "raw", "glue:figure"):
            return ""
        return (f"**{arg}**\n\n" if arg else "") + inner

    def solution(self, label: str, rest: str, practice: bool) -> str:
        label = label.split()[0] if label.strip() else ""
        n = self.exercises.get(label, "")
        if practice:
            return f"**Exercise {n}.** {self.exercise_text.get(label, '')}".strip()
        return details(f"Solution to Exercise {n}", self.markdown(rest, practice))

    def include(self, arg: str, options: dict) -> str:
        source = (self.path.parent / arg).read_text(encoding="utf-8")
        if "pyobject" in options:
            node = ast.parse(source)
            for part in options["pyobject"].split("."):
                node = next(n for n in ast.walk(node) if getattr(n, "name", None) == part)
            start = min([d.lineno for d in getattr(node, "decorator_list", [])] + [node.lineno])
            return "\n".join(source.splitlines()[start - 1:node.end_lineno])
        return source.rstrip()

    # -- notebooks
    def notebook(self, practice: bool = False):
        nb = jupytext.reads(self.text, fmt="md:myst")
        cells, exercise = [], 0
        if practice:
            cells.append(nbformat.v4.new_markdown_cell(
                f"*Practice notebook for [{self.title}]({self.stem}.ipynb): write your answer "
                "in each `# TODO` cell, then run the self-check below it.*"))
        for k, cell in enumerate(nb.cells):
            t = tags(cell)
            if cell.cell_type == "markdown":
                text = self.markdown(cell.source, practice)
                if practice:
                    text = re.sub(r"^## Solutions[ \t]*$", "## Your answers", text, flags=re.M)
                if text:
                    cells.append(nbformat.v4.new_markdown_cell(text))
                continue
            if "solution" in t:
                exercise += 1
                if practice:
                    check = next((c.source for c in nb.cells[k + 1:] if "exercise-check" in tags(c)), "")
                    used = [n for n in ast.walk(ast.parse(check)) if isinstance(n, ast.Name)]
                    read = {n.id for n in used} - {n.id for n in used if isinstance(n.ctx, ast.Store)}
                    names = [n for n in assigned(cell.source) if n in read] or assigned(cell.source)
                    code = "\n".join(f"{n} = ...  # TODO" for n in names)
                    cells.append(nbformat.v4.new_code_cell(f"# TODO Exercise {exercise}: your answer.\n{code}"))
                    continue
                new = nbformat.v4.new_code_cell(cell.source, metadata={"jupyter": {"source_hidden": True}})
            elif "exercise-check" in t:
                new = nbformat.v4.new_code_cell(self_check(cell.source, exercise) if practice
                                                else f"# Check: Exercise {exercise}\n{cell.source}")
            elif t & HIDDEN:  # kept in practice notebooks too: later cells may use its names
                new = nbformat.v4.new_code_cell(f"# Check:\n{cell.source}")
            else:
                new = nbformat.v4.new_code_cell(cell.source)
            cells.append(new)
        for i, cell in enumerate(cells):  # stable ids: the same source gives the same file
            cell.id = f"{self.stem[:40]}-{i}"
        out = nbformat.v4.new_notebook(cells=cells, metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"}})
        return out if not practice or exercise else None


def assigned(source: str) -> list[str]:
    """Names a solution cell assigns at top level (its answers)."""
    names = []
    for node in ast.parse(source).body:
        for target in getattr(node, "targets", [getattr(node, "target", None)]):
            for n in ast.walk(target) if target is not None else []:
                if isinstance(n, ast.Name) and n.id not in names:
                    names.append(n.id)
    return names


def self_check(check: str, n: int) -> str:
    """The exercise-check as a self-check: prints right / not right, never the expected value."""
    body = "\n".join("        " + l for l in check.splitlines())
    return (f"# Self-check for Exercise {n}: run it after your answer above.\n"
            "import contextlib, io\n"
            "try:\n    with contextlib.redirect_stdout(io.StringIO()):\n"
            f"{body}\n"
            "except Exception as error:\n"
            "    hint = str(error) if isinstance(error, AssertionError) else ''\n"
            "    hint = '' if any(c.isdigit() for c in hint) else hint\n"
            f"    print('Exercise {n}: not right yet.', hint)\n"
            f"else:\n    print('Exercise {n}: right.')")


def quote(text: str) -> str:
    return "\n".join("> " + l if l else ">" for l in text.strip().splitlines())


def details(summary: str, body: str) -> str:
    return f"<details>\n<summary>{summary}</summary>\n\n{body}\n\n</details>"


def book(root: Path) -> dict[str, Chapter]:
    chapters: dict[str, Chapter] = {}
    for doc in toc_chapters(root):
        glue = root / "_build" / "jupyter_execute" / f"{doc}.glue.json"
        chapters[Path(doc).stem] = Chapter(root / f"{doc}.md",
                                           json.loads(glue.read_text()) if glue.exists() else {},
                                           chapters)
    return chapters


def wheel(root: Path) -> Path:
    """lossfuncs wheel (lossfuncs + coursekit)."""
    out = root / "_build" / "wheel"
    shutil.rmtree(out, ignore_errors=True)
    # setuptools builds in the source tree and reuses build/lib by file time, so a
    # stale copy there can ship old modules: start from an empty build directory.
    shutil.rmtree(root / "build", ignore_errors=True)
    subprocess.run([str(UV), "build", "--quiet", "--wheel", "-o", str(out), str(root)],
                   check=True)
    return next(out.glob("*.whl"))


def main(root: Path = Path(".")) -> None:
    root = root.resolve()
    files = {}
    for ch in book(root).values():
        if is_notebook(ch.text):
            for practice in (False, True):
                nb = ch.notebook(practice)
                if nb is not None:
                    files[f"{ch.stem}{'-practice' if practice else ''}.ipynb"] = nbformat.writes(nb).encode()
    site = root / "_build" / "html"
    (site / "notebooks").mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (site / "notebooks" / name).write_bytes(data)
    whl = wheel(root)
    reqs = [l for l in (root / "requirements.txt").read_text().splitlines()
            if l.split("==")[0] in REQUIREMENTS]
    files |= {whl.name: whl.read_bytes(), "requirements.txt": ("\n".join(reqs) + "\n").encode(),
              "README.md": README_TEXT.format(wheel=whl.name).encode()}
    with zipfile.ZipFile(site / f"{BUNDLE}.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(files):  # fixed dates: the same inputs give the same archive
            zf.writestr(zipfile.ZipInfo(f"{BUNDLE}/{name}", (2025, 1, 1, 0, 0, 0)), files[name],
                        compress_type=zipfile.ZIP_DEFLATED)
    print(f"notebooks: {len(files) - 3} notebooks and _build/html/{BUNDLE}.zip")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("."))
