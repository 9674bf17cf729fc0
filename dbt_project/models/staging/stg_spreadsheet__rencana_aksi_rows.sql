-- Data rows of the Rencana Aksi (action plan) sheet of every workbook: commitment items
-- as sent, accepted or quarantined at ingestion.
select
    r.load_id as workbook_load_id,
    r.file_name,
    r.sha256,
    r.sheet,
    r.row_number,
    f.received_at,
    r.loaded_at,
    r.accepted,
    r.no as item_no,
    r.bidang,
    r.kegiatan,
    r.indikator,
    r.satuan,
    r.target,
    r.anggaran,
    r.provinsi
from {{ source('raw', 'rencana_aksi_row') }} as r
inner join {{ ref('stg_spreadsheet__file_receipts') }} as f on r.load_id = f.load_id
