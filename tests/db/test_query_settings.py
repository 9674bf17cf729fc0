"""The roles that build and check the warehouse plan without JIT compilation (migration
017_no_jit.sql): over freshly built tables, which have no statistics yet, PostgreSQL's
estimates ran far above ``jit_above_cost``, and it compiled queries that run in
milliseconds (BENCHMARKS.md, item 20)."""

import psycopg
import pytest

# the planner cannot see through (SELECT 2): it estimates 1,000 rows per series, a billion
# in all, for a query that reads eight
OVERESTIMATED = ("EXPLAIN (ANALYZE, FORMAT JSON) SELECT count(*) FROM"
                 " generate_series(1, (SELECT 2)) AS a, generate_series(1, (SELECT 2)) AS b,"
                 " generate_series(1, (SELECT 2)) AS c")


def jit_functions(url: str) -> int:
    """How many functions PostgreSQL JIT-compiled to run the over-estimated query."""
    with psycopg.connect(url) as conn:
        [(plan,)] = conn.execute(OVERESTIMATED).fetchall()
    return plan[0].get("JIT", {}).get("Functions", 0)


def test_the_server_would_compile_the_query(scratch):
    """The owner keeps PostgreSQL's default: the query is one the server compiles, so the
    test below sees a setting, not a server without JIT."""
    assert jit_functions(scratch.url()) > 0


@pytest.mark.parametrize("role", ["monev_transformer", "monev_gate"])
def test_the_build_and_the_gate_never_compile_it(scratch, role):
    assert jit_functions(scratch.url(role)) == 0
