-- Data rows of every partner master copy (mitra*.csv), typed, with the copy's received time.
select
    r.load_id as partner_master_load_id,
    r.file_name,
    r.sha256,
    r.row_number,
    f.received_at,
    r.airflow_run_id,
    r.accepted,
    r.kode_mitra,
    r.nama_resmi,
    r.singkatan,
    r.kategori,
    r.induk,
    r.kode_provinsi,
    r.berlaku_mulai,
    r.berlaku_sampai,
    r.alias
from {{ source('raw', 'partner_master_row') }} as r
inner join {{ ref('stg_spreadsheet__file_receipts') }} as f on r.load_id = f.load_id
