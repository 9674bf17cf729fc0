{#- Incremental facts re-read what changed since their newest row, with a lookback so a
    load committed late (its loaded_at taken when its transaction began) is not missed;
    delete+insert on the key makes re-reading a row harmless. -#}
{% macro changed_since_last_run(expr, column) -%}
    {%- set lookback = var('incremental_lookback', '10 minutes') -%}
    {%- if is_incremental() -%}
        {{ expr }} >= (select coalesce(max({{ column }}), '-infinity') from {{ this }}) - interval '{{ lookback }}'
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}


{#- In an incremental run, only the form records with a version loaded or a deletion
    detected since the last run (their other versions are re-read with them): a filter on
    the record, which PostgreSQL can push below the per-record window functions. -#}
{% macro form_records_changed_since_last_run(column) -%}
    {%- set lookback = var('incremental_lookback', '10 minutes') -%}
    {%- if is_incremental() -%}
        {%- set since -%}
            (select coalesce(max({{ column }}), '-infinity') from {{ this }}) - interval '{{ lookback }}'
        {%- endset -%}
        {#- an array of an uncorrelated subquery is computed once, and can be pushed down -#}
        kobo_id = any(array(
            select kobo_id from {{ source('raw', 'kobo_record') }} where loaded_at >= {{ since }}
            union all
            select k.kobo_id
            from {{ source('raw', 'kobo_deletion') }} as d
            inner join {{ source('raw', 'kobo_record') }} as k on d.last_version_id = k.version_id
            where d.detected_at >= {{ since }}
        ))
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}
