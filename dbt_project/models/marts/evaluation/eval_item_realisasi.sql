-- Each commitment item of each agreement (with its roll-up): its target, what its counted
-- outcomes achieved, and its realisation r = min(capaian / target, 1) when target > 0
-- (empty for an item with target 0, which realisation leaves out).
select
    u.nomor_perjanjian,
    i.nomor_perjanjian as member_nomor,
    i.item_no,
    i.bidang,
    i.kegiatan,
    i.indikator,
    i.satuan,
    i.target,
    coalesce(a.capaian, 0) as capaian,
    case when i.target > 0 then least(coalesce(a.capaian, 0) / i.target, 1) end as item_realisasi
from {{ ref('eval_rollup') }} as u
inner join {{ ref('eval_commitment_items') }} as i on u.member_nomor = i.nomor_perjanjian
left join {{ ref('eval_item_achievements') }} as a
    on i.nomor_perjanjian = a.nomor_perjanjian and i.item_no = a.no_rencana_aksi
