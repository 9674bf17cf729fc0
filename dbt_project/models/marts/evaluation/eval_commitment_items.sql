-- Commitments (rencana aksi) of each agreement for Y: the accepted items of the latest
-- workbook of that agreement for Y (either semester) with a readable Rencana Aksi sheet.
select
    w.nomor_perjanjian,
    c.item_no,
    c.bidang,
    c.satuan,
    c.target,
    c.anggaran,
    c.kegiatan,
    c.indikator,
    c.kode_provinsi,
    c.commitment_key,
    c.workbook_load_id,
    c.file_name,
    c.sha256,
    c.sheet,
    c.row_number,
    c.received_at
from {{ ref('eval_workbooks') }} as w
inner join {{ ref('fct_commitment') }} as c on w.workbook_load_id = c.workbook_load_id
cross join {{ ref('eval_period') }} as p
where w.is_latest_action_plan and w.tahun = p.tahun and c.passed_ingestion
