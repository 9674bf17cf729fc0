-- Realisation R of each agreement (with its roll-up): per commitment item with target
-- t > 0, r = min(sum of Capaian of its counted outcomes / t, 1); R = mean of r. No such
-- item: R = 0 and tanpa_rencana_aksi.
with items as (
    select
        u.nomor_perjanjian,
        i.target,
        least(coalesce(a.capaian, 0) / i.target, 1) as item_realisasi
    from {{ ref('eval_rollup') }} as u
    inner join {{ ref('eval_commitment_items') }} as i on u.member_nomor = i.nomor_perjanjian
    left join {{ ref('eval_item_achievements') }} as a
        on i.nomor_perjanjian = a.nomor_perjanjian and i.item_no = a.no_rencana_aksi
    where i.target > 0
)

select
    a.nomor_perjanjian,
    coalesce(avg(i.item_realisasi), 0) as realisasi,
    count(i.target) = 0 as tanpa_rencana_aksi
from {{ ref('eval_agreements') }} as a
left join items as i on a.nomor_perjanjian = i.nomor_perjanjian
group by a.nomor_perjanjian
