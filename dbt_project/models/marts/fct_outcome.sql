-- Outcomes (realisasi): one row per source record version (a workbook row, or a version of
-- a form record), its values and dates, whether it passed ingestion and why not, and its
-- received time. Matching to commitments and counting depend on the evaluation's cut-off.
-- Incremental: a workbook row never changes (a new load adds rows); a form record's versions
-- are all re-read when it gets a new version or is deleted (macros/incremental.sql).
{{ config(materialized='incremental', unique_key='outcome_key',
          incremental_strategy='delete+insert', on_schema_change='fail',
          indexes=[
              {'columns': ['outcome_key'], 'unique': True},
              {'columns': ['workbook_load_id']},
              {'columns': ['nomor_perjanjian', 'tahun', 'no_rencana_aksi']},
              {'columns': ['version_id']},
          ]) }}

select
    coalesce(md5('version/' || version_id), source_record_key) as outcome_key,
    source_record_key,
    channel,
    workbook_load_id,
    version_id,
    file_name,
    sha256,
    sheet,
    row_number,
    kobo_id,
    kobo_uuid,
    nomor_perjanjian,
    tahun,
    semester,
    received_at,
    passed_ingestion,
    quarantine_reasons,
    no_rencana_aksi,
    tanggal_kegiatan,
    uraian_kegiatan,
    provinsi,
    kode_provinsi,
    kabupaten_kota,
    capaian,
    jumlah_peserta,
    realisasi_anggaran,
    kendala,
    tindak_lanjut,
    validation_status,
    is_not_approved,
    is_latest_version,
    is_deleted,
    changed_at
from {{ ref('int_outcomes_unioned') }}
where
    (channel = 'workbook' and {{ workbooks_not_yet_in('workbook_load_id') }})
    or (channel = 'form' and {{ form_records_not_yet_in() }})
