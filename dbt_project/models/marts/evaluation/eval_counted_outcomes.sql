-- Counted outcomes: good submitted rows whose Tanggal Kegiatan falls in Y (even outside
-- the agreement's days in force), under the agreement they were reported for.
select
    nomor_perjanjian,
    source_record_key,
    channel,
    no_rencana_aksi,
    item_bidang as bidang,
    tanggal_kegiatan,
    kode_provinsi,
    capaian,
    jumlah_peserta,
    realisasi_anggaran,
    kendala,
    file_name,
    sha256,
    sheet,
    row_number,
    kobo_id
from {{ ref('eval_submitted_outcomes') }}
where is_counted
