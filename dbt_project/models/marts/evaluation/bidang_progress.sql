-- Targets against achievements per bidang and unit (satuan): every commitment item of Y of
-- every agreement that is not cancelled (each once), and the Capaian of its counted outcomes.
with items as (
    select
        i.nomor_perjanjian,
        i.item_no,
        i.bidang,
        i.satuan,
        i.target
    from {{ ref('eval_commitment_items') }} as i
    inner join {{ ref('eval_agreements') }} as a on i.nomor_perjanjian = a.nomor_perjanjian
    where not a.is_cancelled
),

per_unit as (
    select
        i.bidang,
        i.satuan,
        sum(i.target) as target,  -- noqa: RF04
        coalesce(sum(a.capaian), 0) as capaian
    from items as i
    left join {{ ref('eval_item_achievements') }} as a
        on i.nomor_perjanjian = a.nomor_perjanjian and i.item_no = a.no_rencana_aksi
    group by i.bidang, i.satuan
)

select
    p.tahun,
    p.as_of,
    u.bidang,
    u.satuan,
    u.target,
    u.capaian,
    round(u.capaian / nullif(u.target, 0), 6) as persen
from per_unit as u
cross join {{ ref('eval_period') }} as p
