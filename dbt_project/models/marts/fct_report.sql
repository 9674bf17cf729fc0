-- Reports: every workbook (superseded ones too) and every form record (its latest
-- version), for an agreement, year and semester, by channel, with its received time, and
-- which copies stand now (the flags BI sums on; an evaluation applies its own cut-off).
-- Reporters' contacts stay out (BI reads marts): see stg_spreadsheet__reports.
-- Incremental: whether a copy stands depends on the other copies of its agreement and
-- year, so a new workbook (or one whose received time moved: an earlier copy of the same
-- file arrived) re-reads every workbook of its (agreement, year); a form record
-- is re-read when its latest version is not the one held (every edit or review is a new
-- version) or its deletion differs from the row held: macro form_records_not_yet_in_report().
-- on_schema_change='append_new_columns': version_id came after the table's first release,
-- so an older table gets the column and, lacking it, has every form record re-read once.
-- A column added later is appended empty: fill it the same way, or run --full-refresh.
{{ config(materialized='incremental', unique_key='report_key',
          incremental_strategy='delete+insert', on_schema_change='append_new_columns',
          indexes=[
              {'columns': ['report_key'], 'unique': True},
              {'columns': ['workbook_load_id']},
              {'columns': ['nomor_perjanjian', 'tahun', 'semester']},
          ]) }}

with reports as (
    select * from {{ ref('stg_spreadsheet__reports') }}
),

{% if is_incremental() -%}
    -- the (agreement, year) groups with a workbook the table does not hold as it is now
    touched as (
        select distinct
            n.nomor_perjanjian,
            n.tahun
        from reports as n
        where not exists (
            select 1 from {{ this }} as t
            where t.workbook_load_id = n.workbook_load_id and t.received_at = n.received_at
        )
    ),
{%- endif %}

workbooks as (
    select
        *,
        row_number() over (
            partition by nomor_perjanjian, tahun, semester order by {{ latest_first() }}
        ) = 1 as is_latest_for_semester,
        coalesce(row_number() over (
            partition by nomor_perjanjian, tahun, rencana_aksi_readable
            order by {{ latest_first() }}
        ) = 1 and rencana_aksi_readable, false) as is_latest_action_plan
    from reports as s
    {% if is_incremental() -%}
        where exists (
            select 1 from touched as n
            where
                n.nomor_perjanjian is not distinct from s.nomor_perjanjian
                and n.tahun is not distinct from s.tahun
        )
    {%- endif %}
),

form_records as (
    select *
    from {{ ref('stg_kobo__record_versions') }}
    where is_latest_version and {{ form_records_not_yet_in_report('kobo_id') }}
)

select
    md5('workbook/' || workbook_load_id) as report_key,
    'workbook' as channel,
    workbook_load_id,
    null::bigint as kobo_id,
    null::bigint as version_id,
    file_name,
    sha256,
    nomor_perjanjian,
    {{ current_agreement_key('nomor_perjanjian') }} as agreement_key,
    tahun,
    semester,
    received_at,
    rencana_aksi_readable,
    realisasi_readable,
    false as is_not_approved,
    false as is_deleted,
    is_latest_for_semester as is_latest_copy,
    not is_latest_for_semester as is_superseded,
    is_latest_action_plan
from workbooks

union all

select
    md5('form/' || asset_uid || '/' || kobo_id) as report_key,
    'form' as channel,
    null::uuid as workbook_load_id,
    kobo_id,
    version_id,
    null::text as file_name,
    null::text as sha256,
    nomor_perjanjian,
    {{ current_agreement_key('nomor_perjanjian') }} as agreement_key,
    tahun,
    semester,
    received_at,
    false as rencana_aksi_readable,
    true as realisasi_readable,
    is_not_approved,
    is_deleted,
    not is_deleted as is_latest_copy,
    false as is_superseded,
    false as is_latest_action_plan
from form_records
