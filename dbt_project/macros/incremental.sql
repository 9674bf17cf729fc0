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

{#- fct_report's form records to re-read: those whose latest version is not the one the
    table holds (a new record, an edit or a review: each is a new version; or a row from
    before version_id was kept), and those whose deletion the table does not show, or shows
    no longer. A version that commits late with a lower id than the latest is not its
    record's latest, so nothing is missed. The latest versions come from an index of
    raw.kobo_record, matched to the table by version id; no window over every version: the
    list is computed first and pushed below stg_kobo__record_versions' per-record windows.
    A table from before version_id was kept: every form record is read (once; the column
    is appended). -#}
{% macro form_records_not_yet_in_report(kobo_id_column) -%}
    {%- set held = adapter.get_columns_in_relation(this) | map(attribute='name') | list
        if is_incremental() and execute else [] -%}
    {%- if is_incremental() and 'version_id' in held -%}
        {{ kobo_id_column }} = any(array(
            select v.kobo_id
            from (
                select asset_uid, kobo_id, max(version_id) as latest_version_id
                from {{ source('raw', 'kobo_record') }}
                group by asset_uid, kobo_id
            ) as v
            where not exists (
                select 1 from {{ this }} as t where t.version_id = v.latest_version_id
            )
            union all
            select t.kobo_id
            from {{ source('raw', 'kobo_deletion') }} as d
            inner join {{ this }} as t on d.last_version_id = t.version_id
            where not t.is_deleted
            union all
            select t.kobo_id from {{ this }} as t
            where t.is_deleted and not exists (
                select 1 from {{ source('raw', 'kobo_deletion') }} as d
                where d.last_version_id = t.version_id
            )
        ))
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}
