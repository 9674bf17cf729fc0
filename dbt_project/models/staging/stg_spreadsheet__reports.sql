-- Every partner workbook whose Identitas is readable: the report it is, for which
-- agreement, year and semester, with the workbook's received time.
select
    r.load_id as workbook_load_id,
    r.file_name,
    r.sha256,
    f.received_at,
    r.airflow_run_id,
    trim(r.nomor_perjanjian) as nomor_perjanjian,
    r.tahun,
    r.semester,
    r.nama_instansi,
    r.nama_pelapor,
    r.jabatan,
    r.email,
    r.tanggal_laporan,
    r.rencana_aksi_readable,
    r.realisasi_readable
from {{ source('raw', 'report') }} as r
inner join {{ ref('stg_spreadsheet__file_receipts') }} as f on r.load_id = f.load_id
