"""Code is linted, and every quarantine reason code the code can raise is documented."""

import re
import subprocess
import sys
from pathlib import Path

from monev import config


def test_ruff_is_clean():
    ruff = str(Path(sys.executable).with_name("ruff"))
    proc = subprocess.run([ruff, "check", "include", "dags", "tests", "benchmarks", "bi"],
                          cwd=config.REPO_ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout


def test_every_reason_code_is_documented_in_readme():
    source = "\n".join(p.read_text() for p in (config.PACKAGE_DIR).rglob("*.py"))
    codes = set(re.findall(r'(?:Unparseable|UnreadableFile|Problem)\(\s*"([a-z_]+)"', source))
    codes |= set(re.findall(r'_choice\([A-Z]+, "([a-z_]+)"', source))
    codes |= {"missing_value", "missing_headers"}
    readme = (config.REPO_ROOT / "README.md").read_text()
    missing = sorted(c for c in codes if f"`{c}`" not in readme)
    assert len(codes) > 10 and missing == [], missing


def test_dbt_sql_is_linted_by_sqlfluff():
    """postgres dialect, jinja templater; rules in dbt_project/.sqlfluff."""
    sqlfluff = str(Path(sys.executable).with_name("sqlfluff"))
    proc = subprocess.run([sqlfluff, "lint", "models", "macros", "tests", "analyses",
                           "--processes", "2", "--nocolor"], cwd=config.DBT_PROJECT_DIR,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-4000:]
