-- dbt unit tests (and incremental models) build temporary tables: the transformer may.
GRANT TEMPORARY ON DATABASE warehouse TO monev_transformer;
