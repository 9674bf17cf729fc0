"""The shape of the package: Airflow and Cosmos only under ``monev.orchestration``, no
import circle, DAG files wiring only, and the README's layout table true to the tree."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from monev import config

PACKAGE = config.PACKAGE_DIR
ORCHESTRATION = PACKAGE / "orchestration"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return found


def package_modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py")}


def test_nothing_below_orchestration_imports_airflow_or_cosmos():
    offenders = {}
    for name, path in package_modules().items():
        if ORCHESTRATION in path.parents:
            continue
        bad = sorted(m for m in imports(path) if m.split(".")[0] in ("airflow", "cosmos"))
        if bad:
            offenders[name] = bad
    assert offenders == {}


def test_no_import_circle_in_the_package():
    modules = package_modules()
    graph = {name: {m for m in imports(path) if m in modules and m != name}
             for name, path in modules.items()}
    # a package's __init__ is imported with each of its modules: not an edge to follow
    cycles = []

    def visit(node, stack, seen):
        for nxt in graph[node]:
            if nxt in stack:
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in seen:
                seen.add(nxt)
                visit(nxt, stack + [nxt], seen)

    for start in graph:
        visit(start, [start], {start})
    assert cycles == []


def test_dag_files_import_only_the_orchestration_package_and_airflow():
    for path in sorted(config.DAGS_DIR.glob("*.py")):
        for module in imports(path):
            root = module.split(".")[0]
            assert root in ("airflow", "cosmos", "monev", "__future__"), (path.name, module)
            if root == "monev":
                assert module.startswith("monev.orchestration"), (path.name, module)


def test_readme_layout_table_names_every_package_and_module_of_the_root():
    readme = (config.REPO_ROOT / "README.md").read_text()
    table = readme[readme.index("## Layout"):]
    table = table[:table.index("\n## ", 5)]
    named = set(re.findall(r"`([\w./-]+)`", table))
    for child in sorted(PACKAGE.iterdir()):
        if child.name.startswith(("_", ".")) or child.suffix not in ("", ".py"):
            continue
        if child.is_dir() and not (child / "__init__.py").exists():
            continue
        assert f"include/monev/{child.name}{'/' if child.is_dir() else ''}" in named, child.name
    for path in named:
        if path.startswith("include/monev/") or path in ("dags/", "dbt_project/", "tests/"):
            assert (config.REPO_ROOT / path).exists(), path
