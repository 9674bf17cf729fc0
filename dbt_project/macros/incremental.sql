{#- The incremental facts re-read exactly what is not yet in them, by identity rather than
    by time (a load that commits late is never missed, and nothing old is re-read):
    workbooks whose rows are not in the fact yet or whose `is_latest_copy` there differs from
    fct_report's `report_flag` now (a later copy superseded it: one index probe per
    workbook), and form records with
    a version not in it yet or a deletion it does not show. The lists are arrays of uncorrelated
    subqueries: computed once, and PostgreSQL can push them below the views' joins and
    per-record window functions. delete+insert on the key makes a re-read harmless. -#}

{% macro workbooks_not_yet_in(load_id_column, report_flag) -%}
    {%- if is_incremental() -%}
        {{ load_id_column }} = any(array(
            select w.workbook_load_id from {{ ref('fct_report') }} as w
            where w.channel = 'workbook' and (
                select t.is_latest_copy from {{ this }} as t
                where t.workbook_load_id = w.workbook_load_id
                limit 1
            ) is distinct from w.{{ report_flag }}
        ))
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{% macro form_records_not_yet_in(kobo_id_column) -%}
    {%- if is_incremental() -%}
        {{ kobo_id_column }} = any(array(
            select k.kobo_id from {{ source('raw', 'kobo_record') }} as k
            where not exists (select 1 from {{ this }} as t where t.version_id = k.version_id)
            union all
            select t.kobo_id
            from {{ source('raw', 'kobo_deletion') }} as d
            inner join {{ this }} as t on d.last_version_id = t.version_id
            where not t.is_deleted
        ))
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}
