-- The 38 provinces (Kemendagri codes) from the provinsi seed.
select
    kode_provinsi,
    nama,
    alias
from {{ ref('provinsi') }}
