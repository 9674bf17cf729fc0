-- One row per partner with an evaluated agreement: how many, how many sleeping, the mean
-- of their rounded scores, and budgets over all its agreements that are not cancelled
-- (evaluated or not), without roll-up: each item and counted outcome summed once.
with item_budget as (
    select
        nomor_perjanjian,
        sum(anggaran) as anggaran_komitmen
    from {{ ref('eval_commitment_items') }}
    group by nomor_perjanjian
),

outcome_budget as (
    select
        nomor_perjanjian,
        sum(realisasi_anggaran) as anggaran_realisasi
    from {{ ref('eval_counted_outcomes') }}
    group by nomor_perjanjian
),

own_budget as (
    -- each agreement's own items and outcomes (one join per agreement, no roll-up)
    select
        a.kode_mitra,
        coalesce(i.anggaran_komitmen, 0) as anggaran_komitmen,
        coalesce(o.anggaran_realisasi, 0) as anggaran_realisasi
    from {{ ref('eval_agreements') }} as a
    left join item_budget as i on a.nomor_perjanjian = i.nomor_perjanjian
    left join outcome_budget as o on a.nomor_perjanjian = o.nomor_perjanjian
    where not a.is_cancelled and a.kode_mitra is not null
),

budget as (
    select
        kode_mitra,
        sum(anggaran_komitmen) as anggaran_komitmen,
        sum(anggaran_realisasi) as anggaran_realisasi
    from own_budget
    group by kode_mitra
),

scores as (
    select
        kode_mitra,
        count(*)::integer as agreements_evaluated,
        count(*) filter (where tidur)::integer as agreements_tidur,
        round(avg(skor), 1) as mean_skor
    from {{ ref('agreement_scorecard') }}
    where kode_mitra is not null
    group by kode_mitra
)

select
    p.tahun,
    p.as_of,
    s.kode_mitra,
    m.nama_resmi as nama_mitra,
    m.kategori as kategori_mitra,
    s.agreements_evaluated,
    s.agreements_tidur,
    s.mean_skor,
    coalesce(b.anggaran_komitmen, 0) as anggaran_komitmen,
    coalesce(b.anggaran_realisasi, 0) as anggaran_realisasi
from scores as s
cross join {{ ref('eval_period') }} as p
left join {{ ref('eval_partners') }} as m on s.kode_mitra = m.kode_mitra
left join budget as b on s.kode_mitra = b.kode_mitra
