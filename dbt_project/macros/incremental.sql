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
