{#- Views are replaced in place (`create or replace view`) when their columns stay the same.
    dbt's own view materialization builds a new view, swaps it in and drops the old one with
    `cascade`, which takes every view built on it along. `monev_warehouse` builds a tested
    view again whenever its rows may have changed (its tests must read them), and the views
    on it would then have to be built again too, each a dbt task of about a second
    (monev.transform.unchanged). In place, they stay.

    PostgreSQL replaces a view in place only when the new query gives the same columns
    (names, types, collations, in order). A probe view of the new query is compared with the
    one there in the catalog; when they differ (a code change), or when there is no view
    yet, dbt's own materialization builds it, and the views on it are built again after it
    because the code changed (their fingerprints follow the code). -#}
{% materialization view, adapter='postgres' %}
    {%- set existing = load_cached_relation(this) -%}
    {%- if existing is none or not existing.is_view
            or not monev_view_keeps_its_columns(existing, sql) -%}
        {{ return(dbt.materialization_view_default()) }}
    {%- endif -%}
    {%- set target = this.incorporate(type='view') -%}

    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}
    {% call statement('main') -%}
        {{ postgres__get_replace_view_sql(target, sql) }}
    {%- endcall %}
    {% do apply_grants(target, config.get('grants'), should_revoke=True) %}
    {% do persist_docs(target, model) %}
    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {{ adapter.commit() }}
    {{ run_hooks(post_hooks, inside_transaction=False) }}
    {{ return({'relations': [target]}) }}
{% endmaterialization %}


{#- Whether the view `existing` and a view of `sql` have the same columns, as PostgreSQL's
    `create or replace view` requires: a probe view of `sql` is made, compared, dropped. -#}
{% macro monev_view_keeps_its_columns(existing, sql) %}
    {%- set probe = make_intermediate_relation(existing, suffix='__dbt_probe') -%}
    {% do run_query('drop view if exists ' ~ probe) %}
    {% do run_query(get_create_view_as_sql(probe, sql)) %}
    {%- set same = run_query('select ' ~ monev_columns_of(existing) ~ ' is not distinct from '
                             ~ monev_columns_of(probe)).columns[0].values()[0] -%}
    {% do run_query('drop view ' ~ probe) %}
    {{ return(same) }}
{% endmacro %}


{#- A relation's columns as PostgreSQL's catalog has them: name, type, collation, in order. -#}
{% macro monev_columns_of(relation) -%}
    (select array_agg(
        attname::text || ' ' || format_type(atttypid, atttypmod) || ' ' || attcollation::text
        order by attnum)
     from pg_attribute
     where attrelid = {{ dbt.string_literal(relation.include(database=false)) }}::regclass
         and attnum > 0 and not attisdropped)
{%- endmacro %}
