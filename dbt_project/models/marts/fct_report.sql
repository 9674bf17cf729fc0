-- Reports: every workbook (superseded ones too) and every form record (its latest
-- version), for an agreement, year and semester, by channel, with its received time.
-- Reporters' contacts stay out (BI reads marts): see stg_spreadsheet__reports.
{{ config(indexes=[
    {'columns': ['workbook_load_id']},
    {'columns': ['nomor_perjanjian', 'tahun', 'semester']},
]) }}

select
    md5('workbook/' || workbook_load_id) as report_key,
    'workbook' as channel,
    workbook_load_id,
    null::bigint as kobo_id,
    file_name,
    sha256,
    nomor_perjanjian,
    tahun,
    semester,
    received_at,
    rencana_aksi_readable,
    realisasi_readable,
    false as is_not_approved,
    false as is_deleted
from {{ ref('stg_spreadsheet__reports') }}

union all

select
    md5('form/' || asset_uid || '/' || kobo_id) as report_key,
    'form' as channel,
    null::uuid as workbook_load_id,
    kobo_id,
    null::text as file_name,
    null::text as sha256,
    nomor_perjanjian,
    tahun,
    semester,
    received_at,
    false as rencana_aksi_readable,
    true as realisasi_readable,
    is_not_approved,
    is_deleted
from {{ ref('stg_kobo__record_versions') }}
where is_latest_version
