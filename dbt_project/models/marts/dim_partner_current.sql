-- Partners as they stand today: one row per kode_mitra from the latest partner-master copy,
-- the validity interval that holds today (Asia/Jakarta), or else the one that began last.
-- A view: "today" moves without a rebuild. History and evaluations use dim_partner.
{{ config(materialized='view') }}

select distinct on (kode_mitra)
    partner_key,
    kode_mitra,
    nama_resmi,
    singkatan,
    kategori,
    induk,
    kode_provinsi,
    berlaku_mulai,
    berlaku_sampai,
    alias
from {{ ref('dim_partner') }}
where is_latest_copy
order by
    kode_mitra asc,
    (
        berlaku_mulai <= (now() at time zone 'Asia/Jakarta')::date
        and coalesce(berlaku_sampai >= (now() at time zone 'Asia/Jakarta')::date, true)
    ) desc,
    berlaku_mulai desc
