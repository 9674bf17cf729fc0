-- Commitment items (rencana aksi): one row per item row of every workbook copy, with the
-- workbook's agreement, year, semester and received time, and whether its action plan stands
-- now (the latest readable Rencana Aksi of the year, as the warehouse stands). Which copy
-- counts for an evaluation depends on its cut-off: see the evaluation models. Incremental:
-- a workbook's rows are re-read when it is new or a later copy changed whether it stands.
-- Built after fct_outcome, whose rows it does not read: creating or dropping the two facts'
-- foreign keys at once locks the dimensions both reference in turn, and PostgreSQL ended
-- one of two such builds as a deadlock (dbt-labs/dbt-core#11542).
-- depends_on: {{ ref('fct_outcome') }}
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
    {{ current_agreement_key('r.nomor_perjanjian') }} as agreement_key,
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
    c.loaded_at,
    rep.is_latest_action_plan as is_latest_copy,
    not rep.is_latest_action_plan as is_superseded
from {{ ref('stg_spreadsheet__rencana_aksi_rows') }} as c
inner join {{ ref('stg_spreadsheet__reports') }} as r on c.workbook_load_id = r.workbook_load_id
inner join {{ ref('fct_report') }} as rep on c.workbook_load_id = rep.workbook_load_id
left join {{ ref('int_provinsi_names') }} as p on {{ normalise_provinsi('c.provinsi') }} = p.name_key
where {{ workbooks_not_yet_in('c.workbook_load_id', 'is_latest_action_plan') }}
