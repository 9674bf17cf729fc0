{#- A post-hook of every model (dbt_project.yml): a model built as a table is analysed at
    once, so that what runs next over it (the models built on it, the gate's checks) is
    planned on statistics of what it holds, not on PostgreSQL's guesses. Autovacuum
    analyses a new table only within a minute or so: a gate that ran before that took 110 s
    instead of 18 s at national scale (BENCHMARKS.md, item 20). Views hold nothing to
    analyse. -#}
{% macro analyze_built() -%}
    {%- if config.get('materialized') in ('table', 'incremental') -%}
        analyze {{ this }}
    {%- endif -%}
{%- endmacro %}
