"""One truth for the published marts' columns: the Python list (publish, export), the
migration that creates ``evaluation.*`` and the dbt contracts of the models agree, name
for name, in order, type for type."""

from __future__ import annotations

import pytest
import yaml
from support.warehouse import query

from monev import config
from monev.evaluation.marts import MARTS

PG_TYPES = {"integer": "integer", "date": "date", "text": "text", "numeric": "numeric",
            "boolean": "boolean"}


def contract(name: str) -> list[tuple[str, str]]:
    path = config.DBT_PROJECT_DIR / "models" / "marts" / "evaluation" / f"{name}.yml"
    (model,) = yaml.safe_load(path.read_text())["models"]
    assert model["config"]["contract"]["enforced"] is True, name
    return [(c["name"], c["data_type"]) for c in model["columns"]]


@pytest.mark.parametrize("mart", MARTS, ids=lambda m: m.name)
def test_python_list_migration_and_dbt_contract_agree(endpoint, mart):
    table = query(endpoint.url(), """
        SELECT column_name, data_type FROM information_schema.columns
        WHERE table_schema = 'evaluation' AND table_name = %s ORDER BY ordinal_position""",
                  [mart.name])
    dbt = contract(mart.name)
    assert [c for c, _ in table] == list(mart.columns)
    assert [c for c, _ in dbt] == list(mart.columns)
    assert [PG_TYPES[t] for _, t in dbt] == [t for _, t in table]
    assert set(mart.sort_by) <= set(mart.columns)
