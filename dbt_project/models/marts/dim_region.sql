-- Provinces (Kemendagri codes), the region of outcomes and commitment items.
select
    kode_provinsi,
    nama as nama_provinsi,
    alias
from {{ ref('stg_reference__provinsi') }}
