-- Outcomes (realisasi): one row per source record version (a workbook row, or a version of
-- a form record), its values and dates, whether it passed ingestion and why not, and its
-- received time, and whether its copy stands now (is_latest_copy, is_superseded: as the
-- warehouse stands; matching and counting at a cut-off are the evaluation's).
-- Incremental: a workbook's rows are re-read when it is new or a later copy changed whether it
-- stands; a form record's versions are all re-read when it gets a new version or is deleted
-- (macros/incremental.sql).
{{ config(materialized='incremental', unique_key='outcome_key',
          incremental_strategy='delete+insert', on_schema_change='fail',
          indexes=[
              {'columns': ['outcome_key'], 'unique': True},
              {'columns': ['workbook_load_id']},
              {'columns': ['nomor_perjanjian', 'tahun', 'no_rencana_aksi']},
              {'columns': ['version_id']},
          ]) }}

select
    coalesce(md5('version/' || o.version_id), o.source_record_key) as outcome_key,
    o.source_record_key,
    o.channel,
    o.workbook_load_id,
    o.version_id,
    o.file_name,
    o.sha256,
    o.sheet,
    o.row_number,
    o.kobo_id,
    o.kobo_uuid,
    o.nomor_perjanjian,
    {{ current_agreement_key('o.nomor_perjanjian') }} as agreement_key,
    o.tahun,
    o.semester,
    o.received_at,
    o.passed_ingestion,
    o.quarantine_reasons,
    o.no_rencana_aksi,
    o.tanggal_kegiatan,
    o.uraian_kegiatan,
    o.provinsi,
    o.kode_provinsi,
    o.kabupaten_kota,
    o.capaian,
    o.jumlah_peserta,
    o.realisasi_anggaran,
    o.kendala,
    o.tindak_lanjut,
    o.validation_status,
    o.is_not_approved,
    o.is_latest_version,
    o.is_deleted,
    o.changed_at,
    coalesce(r.is_latest_copy, o.is_latest_version and not o.is_deleted) as is_latest_copy,
    coalesce(r.is_superseded, not o.is_latest_version) as is_superseded
from {{ ref('int_outcomes_unioned') }} as o
left join {{ ref('fct_report') }} as r on o.workbook_load_id = r.workbook_load_id
where
    (o.channel = 'workbook' and {{ workbooks_not_yet_in('o.workbook_load_id', 'is_latest_copy') }})
    or (o.channel = 'form' and {{ form_records_not_yet_in('o.kobo_id') }})
