-- Data rows of the Realisasi (outcomes) sheet of every workbook, accepted or quarantined.
select
    r.load_id as workbook_load_id,
    r.file_name,
    r.sha256,
    r.sheet,
    r.row_number,
    f.received_at,
    r.loaded_at,
    r.accepted,
    r.no_rencana_aksi,
    r.tanggal_kegiatan,
    r.uraian_kegiatan,
    r.provinsi,
    r.kabupaten_kota,
    r.capaian,
    r.jumlah_peserta,
    r.realisasi_anggaran,
    r.kendala,
    r.tindak_lanjut,
    r.tautan_bukti
from {{ source('raw', 'realisasi_row') }} as r
inner join {{ ref('stg_spreadsheet__file_receipts') }} as f on r.load_id = f.load_id
