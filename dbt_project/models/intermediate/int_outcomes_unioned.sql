-- Outcomes from both channels in one shape: every Realisasi row of every workbook and
-- every version of every form record, with whether it passed ingestion (and why not),
-- its province resolved, and its provenance. No cut-off: the evaluation picks.
-- A view: fct_outcome reads it incrementally (by changed_at).
{{ config(materialized='view') }}

with workbook as (
    select
        'workbook' as channel,
        md5('workbook/' || o.sha256 || '/' || o.sheet || '/' || o.row_number) as source_record_key,
        o.workbook_load_id,
        null::bigint as version_id,
        o.file_name,
        o.sha256,
        o.sheet,
        o.row_number,
        null::bigint as kobo_id,
        null::text as kobo_uuid,
        r.nomor_perjanjian,
        r.tahun,
        r.semester,
        o.received_at,
        o.accepted as passed_ingestion,
        q.reason_codes as quarantine_reasons,
        o.no_rencana_aksi,
        o.tanggal_kegiatan,
        o.uraian_kegiatan,
        o.provinsi,
        o.kabupaten_kota,
        o.capaian,
        o.jumlah_peserta,
        o.realisasi_anggaran,
        o.kendala,
        o.tindak_lanjut,
        null::text as validation_status,
        false as is_not_approved,
        true as is_latest_version,
        false as is_deleted,
        o.loaded_at as changed_at
    from {{ ref('stg_spreadsheet__realisasi_rows') }} as o
    inner join {{ ref('stg_spreadsheet__reports') }} as r on o.workbook_load_id = r.workbook_load_id
    left join {{ ref('stg_raw__quarantined_rows') }} as q
        on o.workbook_load_id = q.load_id and o.sheet = q.sheet and o.row_number = q.row_number
),

form as (
    select
        'form' as channel,
        md5('form/' || k.asset_uid || '/' || k.kobo_id) as source_record_key,
        null::uuid as workbook_load_id,
        k.version_id,
        null::text as file_name,
        null::text as sha256,
        null::text as sheet,
        null::integer as row_number,
        k.kobo_id,
        k.uuid as kobo_uuid,
        k.nomor_perjanjian,
        k.tahun,
        k.semester,
        k.received_at,
        k.accepted as passed_ingestion,
        q.reason_codes as quarantine_reasons,
        k.no_rencana_aksi,
        k.tanggal_kegiatan,
        k.uraian_kegiatan,
        k.provinsi,
        k.kabupaten_kota,
        k.capaian,
        k.jumlah_peserta,
        k.realisasi_anggaran,
        k.kendala,
        k.tindak_lanjut,
        k.validation_status,
        k.is_not_approved,
        k.is_latest_version,
        k.is_deleted,
        k.record_changed_at as changed_at
    from {{ ref('stg_kobo__record_versions') }} as k
    left join {{ ref('stg_raw__quarantined_rows') }} as q on k.load_id = q.load_id and k.kobo_id = q.kobo_id
),

unioned as (
    select * from workbook
    union all
    select * from form
)

select
    u.*,
    p.kode_provinsi
from unioned as u
left join {{ ref('int_provinsi_names') }} as p on {{ normalise_provinsi('u.provinsi') }} = p.name_key
