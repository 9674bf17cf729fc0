-- No JIT compilation for the queries monev builds and checks the warehouse with. Their
-- plans over freshly built tables (no statistics yet) are estimated far above
-- jit_above_cost, so PostgreSQL compiled each one before running it: on a 30% world the
-- full warehouse build took 18-20 s of SQL with JIT and 12-13 s without, the evaluation
-- 9-10 s and 5.5-7 s (BENCHMARKS.md, item 20). A session may still turn it on.
ALTER ROLE monev_transformer SET jit = off;
ALTER ROLE monev_gate SET jit = off;
