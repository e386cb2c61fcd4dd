"""The code's shape, against the limits the design holds it to:

- each launch adapter at most 150 lines of code (radon SLOC: no blank, comment or docstring lines);
- no class over 300 lines, no function over 60 (schema migrations excepted);
- no block over cyclomatic complexity 15 (radon);
- no SQL outside the store (archiver/store/ and archiver/schema.py; the Datasette plugin, which
  runs inside Datasette on its connections, reads through Datasette's own query API).

    python scripts/shape.py           # the report; exit 1 when a limit is broken
    python scripts/shape.py --json    # the same figures as JSON

Needs radon (`pip install -e '.[test]'`).
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import sys
from pathlib import Path

from radon.complexity import cc_visit
from radon.raw import analyze

ROOT = Path(__file__).resolve().parents[1]
CODE = ("archiver", "sites")
LAUNCH_ADAPTERS = ("alalam", "globalresearch", "sputnik", "generic")
LIMITS = {"adapter_sloc": 150, "class_lines": 300, "function_lines": 60, "complexity": 15}
MIGRATIONS = re.compile(r"^(?:m\d{3}_|migrat)")  # schema migrations are long lists of statements by nature
STORE = ("archiver/store", "archiver/schema.py")
# Datasette's plugin hooks run inside Datasette, on its own connections and its own query API:
# the canned views a browser asks for are SQL by nature there, and never write.
SQL_ALLOWED = STORE + ("archiver/datasette_plugin.py",)
SQL = re.compile(r"\b(?:SELECT\s.+\sFROM|INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+(?:TABLE|INDEX|VIEW|TRIGGER))\b",
                 re.IGNORECASE | re.DOTALL)


def python_files() -> list[Path]:
    return sorted(p for folder in CODE for p in (ROOT / folder).rglob("*.py"))


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def blocks(path: Path):
    """Every class and function with its line count."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node, node.end_lineno - node.lineno + 1


def sql_strings(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                  if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and n.body and isinstance(n.body[0], ast.Expr)}
    return sorted({n.lineno for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
                   and id(n) not in docstrings and SQL.search(n.value)})


def measure() -> dict:
    files = python_files()
    adapters = {name: analyze((ROOT / "sites" / f"{name}.py").read_text()).sloc for name in LAUNCH_ADAPTERS
                if (ROOT / "sites" / f"{name}.py").exists()}
    classes, functions = [], []
    for path in files:
        for node, lines in blocks(path):
            entry = (lines, f"{rel(path)}:{node.lineno} {node.name}")
            if isinstance(node, ast.ClassDef):
                classes.append(entry)
            elif not (rel(path).startswith(STORE) and MIGRATIONS.match(node.name)):
                functions.append(entry)
    complexity = [(b.complexity, f"{rel(path)}:{b.lineno} {b.fullname}")
                  for path in files for b in cc_visit(path.read_text(encoding="utf-8"))]
    sql = [f"{rel(path)}:{line}" for path in files if not rel(path).startswith(SQL_ALLOWED) for line in sql_strings(path)]
    return {
        "adapter_sloc": adapters,
        "largest_classes": sorted(classes, reverse=True)[:3],
        "largest_functions": sorted(functions, reverse=True)[:3],
        "most_complex": sorted(complexity, reverse=True)[:5],
        "sql_outside_store": sql,
        "over_limits": {
            "adapters": {k: v for k, v in adapters.items() if v > LIMITS["adapter_sloc"]},
            "classes": [c for c in classes if c[0] > LIMITS["class_lines"]],
            "functions": [f for f in functions if f[0] > LIMITS["function_lines"]],
            "complexity": [c for c in complexity if c[0] > LIMITS["complexity"]],
        },
    }


def report(shape: dict) -> str:
    lines = ["adapters (radon SLOC, limit %d):" % LIMITS["adapter_sloc"]]
    lines += [f"  {name:<16}{sloc:>5}" for name, sloc in shape["adapter_sloc"].items()]
    for title, key, unit in (("largest classes", "largest_classes", "lines"),
                             ("largest functions", "largest_functions", "lines"),
                             ("worst complexity", "most_complex", "")):
        lines.append(f"{title}:")
        lines += [f"  {value:>5} {unit:<5} {where}" for value, where in shape[key]]
    lines.append(f"SQL outside the store: {', '.join(shape['sql_outside_store']) or 'none'}")
    broken = {k: v for k, v in shape["over_limits"].items() if v}
    lines.append("over the limits: " + (json.dumps(broken, indent=1) if broken else "none"))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    shape = measure()
    print(json.dumps(shape, indent=1) if args.json else report(shape))
    return 1 if any(shape["over_limits"].values()) or shape["sql_outside_store"] else 0


if __name__ == "__main__":
    sys.exit(main())
