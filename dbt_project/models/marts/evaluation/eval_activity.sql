-- Activity of each agreement in Y (with its roll-up): its counted outcomes, the latest
-- Tanggal Kegiatan, the distinct Kendala texts (byte order, joined by '; '), the budget
-- realised, and whether it is sleeping (tidur): in force >= 180 days of Y and no counted
-- outcome.
with counted as (
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
)

select
    a.nomor_perjanjian,
    coalesce(c.activities, 0) as activities,
    coalesce(c.anggaran_realisasi, 0) as anggaran_realisasi,
    c.last_activity_date,
    c.kendala,
    a.days_in_force >= 180 and coalesce(c.activities, 0) = 0 as is_sleeping
from {{ ref('eval_agreements') }} as a
left join counted as c on a.nomor_perjanjian = c.nomor_perjanjian
