-- Sleeping agreements (tidur: in force >= 180 days of Y, no counted outcome), with the
-- contact of the latest workbook received for the agreement itself (any year), if any.
select
    s.tahun,
    s.as_of,
    s.nomor_perjanjian,
    s.jenis,
    s.kode_mitra,
    s.nama_mitra,
    s.days_in_force,
    a.tanggal_berakhir,
    w.nama_pelapor,
    w.jabatan,
    w.email
from {{ ref('agreement_scorecard') }} as s
inner join {{ ref('eval_agreements') }} as a on s.nomor_perjanjian = a.nomor_perjanjian
left join {{ ref('eval_workbooks') }} as w
    on s.nomor_perjanjian = w.nomor_perjanjian and w.is_latest_any_year
where s.tidur
