-- Commitment items (rencana aksi): one row per item row of every workbook copy, with the
-- workbook's agreement, year, semester and received time. Which copy counts for an
-- evaluation depends on its cut-off: see the evaluation models. Incremental: rows never change.
{{ config(materialized='incremental', unique_key='commitment_key',
          incremental_strategy='delete+insert', on_schema_change='fail',
          indexes=[
              {'columns': ['commitment_key'], 'unique': True},
              {'columns': ['workbook_load_id']},
              {'columns': ['tahun', 'indicator_key']},
          ]) }}

select
    md5(c.workbook_load_id::text || '/' || c.row_number) as commitment_key,
    c.workbook_load_id,
    c.file_name,
    c.sha256,
    c.sheet,
    c.row_number,
    r.nomor_perjanjian,
    r.tahun,
    r.semester,
    c.received_at,
    c.accepted as passed_ingestion,
    c.item_no,
    c.bidang,
    c.satuan,
    md5(coalesce(c.bidang, '') || '/' || coalesce(c.satuan, '')) as indicator_key,
    c.kegiatan,
    c.indikator,
    c.target,
    c.anggaran,
    c.provinsi,
    p.kode_provinsi,
    c.loaded_at
from {{ ref('stg_spreadsheet__rencana_aksi_rows') }} as c
inner join {{ ref('stg_spreadsheet__reports') }} as r on c.workbook_load_id = r.workbook_load_id
left join {{ ref('int_provinsi_names') }} as p on {{ normalise_provinsi('c.provinsi') }} = p.name_key
where {{ workbooks_not_yet_in('c.workbook_load_id') }}
