-- One row per evaluated agreement (docs/evaluation.md, "Figures"): the figures of the rule
-- models joined, nothing computed here. Each column's rule lives in the model it comes
-- from: eval_agreements (evaluated, days in force), eval_activity (activities, tidur,
-- budget realised, kendala), eval_score (R, C, Q, skor, kategori), eval_realisasi
-- (tanpa rencana aksi), eval_committed_budget.
select
    p.tahun,
    p.as_of,
    a.nomor_perjanjian,
    a.jenis,
    a.kode_mitra,
    m.nama_resmi as nama_mitra,
    a.days_in_force,
    act.activities,
    s.realisasi,
    s.kepatuhan,
    s.kualitas_data,
    s.skor,
    s.kategori,
    act.is_sleeping as tidur,
    r.tanpa_rencana_aksi,
    act.last_activity_date,
    b.anggaran_komitmen,
    act.anggaran_realisasi,
    act.kendala
from {{ ref('eval_score') }} as s
inner join {{ ref('eval_agreements') }} as a on s.nomor_perjanjian = a.nomor_perjanjian
inner join {{ ref('eval_activity') }} as act on s.nomor_perjanjian = act.nomor_perjanjian
inner join {{ ref('eval_realisasi') }} as r on s.nomor_perjanjian = r.nomor_perjanjian
inner join {{ ref('eval_committed_budget') }} as b on s.nomor_perjanjian = b.nomor_perjanjian
cross join {{ ref('eval_period') }} as p
left join {{ ref('eval_partners') }} as m on a.kode_mitra = m.kode_mitra
