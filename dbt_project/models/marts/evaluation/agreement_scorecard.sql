-- One row per evaluated agreement (not cancelled, in force >= 90 days of Y): activities,
-- realisation, compliance, data quality, score and category (evaluation.md, "Figures").
with activity as (
    select
        u.nomor_perjanjian,
        count(c.source_record_key)::integer as activities,
        sum(c.realisasi_anggaran) as anggaran_realisasi,
        max(c.tanggal_kegiatan) as last_activity_date,
        string_agg(
            distinct nullif(trim(c.kendala), '') collate "C", '; '  -- noqa: RF02
            order by nullif(trim(c.kendala), '') collate "C"  -- noqa: RF02
        ) as kendala
    from {{ ref('eval_rollup') }} as u
    inner join {{ ref('eval_counted_outcomes') }} as c on u.member_nomor = c.nomor_perjanjian
    group by u.nomor_perjanjian
),

budget as (
    select
        u.nomor_perjanjian,
        sum(i.anggaran) as anggaran_komitmen
    from {{ ref('eval_rollup') }} as u
    inner join {{ ref('eval_commitment_items') }} as i on u.member_nomor = i.nomor_perjanjian
    group by u.nomor_perjanjian
),

figures as (
    select
        a.nomor_perjanjian,
        a.jenis,
        a.kode_mitra,
        a.days_in_force,
        coalesce(act.activities, 0) as activities,
        r.realisasi,
        k.kepatuhan,
        q.kualitas_data,
        {{ skor('r.realisasi', 'k.kepatuhan', 'q.kualitas_data') }} as skor,
        a.days_in_force >= 180 and coalesce(act.activities, 0) = 0 as tidur,
        r.tanpa_rencana_aksi,
        act.last_activity_date,
        coalesce(b.anggaran_komitmen, 0) as anggaran_komitmen,
        coalesce(act.anggaran_realisasi, 0) as anggaran_realisasi,
        act.kendala
    from {{ ref('eval_agreements') }} as a
    inner join {{ ref('eval_realisasi') }} as r on a.nomor_perjanjian = r.nomor_perjanjian
    inner join {{ ref('eval_kepatuhan') }} as k on a.nomor_perjanjian = k.nomor_perjanjian
    inner join {{ ref('eval_kualitas_data') }} as q on a.nomor_perjanjian = q.nomor_perjanjian
    left join activity as act on a.nomor_perjanjian = act.nomor_perjanjian
    left join budget as b on a.nomor_perjanjian = b.nomor_perjanjian
    where not a.is_cancelled and a.days_in_force >= 90
)

select
    p.tahun,
    p.as_of,
    f.nomor_perjanjian,
    f.jenis,
    f.kode_mitra,
    m.nama_resmi as nama_mitra,
    f.days_in_force,
    f.activities,
    round(f.realisasi, 6) as realisasi,
    round(f.kepatuhan, 6) as kepatuhan,
    round(f.kualitas_data, 6) as kualitas_data,
    f.skor,
    {{ kategori('f.skor', 'f.tidur') }} as kategori,
    f.tidur,
    f.tanpa_rencana_aksi,
    f.last_activity_date,
    f.anggaran_komitmen,
    f.anggaran_realisasi,
    f.kendala
from figures as f
cross join {{ ref('eval_period') }} as p
left join {{ ref('eval_partners') }} as m on f.kode_mitra = m.kode_mitra
