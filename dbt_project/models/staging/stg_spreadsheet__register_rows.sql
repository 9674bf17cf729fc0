-- Data rows of every agreement register copy, typed, with the copy's received time.
select
    r.load_id as register_load_id,
    r.file_name,
    r.sha256,
    r.sheet,
    r.row_number,
    f.received_at,
    r.airflow_run_id,
    r.accepted,
    r.nomor_perjanjian,
    r.jenis,
    r.nomor_induk,
    r.mitra as mitra_name,
    r.tanggal_tanda_tangan,
    r.tanggal_berakhir,
    r.ruang_lingkup,
    r.unit_pelaksana,
    r.status
from {{ source('raw', 'register_row') }} as r
inner join {{ ref('stg_spreadsheet__file_receipts') }} as f on r.load_id = f.load_id
