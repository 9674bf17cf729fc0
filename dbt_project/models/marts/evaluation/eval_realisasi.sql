-- Realisation R of each agreement (with its roll-up): the mean of r over its items with
-- target > 0 (eval_item_realisasi). No such item: R = 0 and tanpa_rencana_aksi.
select
    a.nomor_perjanjian,
    coalesce(avg(i.item_realisasi), 0) as realisasi,
    count(i.item_realisasi) = 0 as tanpa_rencana_aksi
from {{ ref('eval_agreements') }} as a
left join {{ ref('eval_item_realisasi') }} as i on a.nomor_perjanjian = i.nomor_perjanjian
group by a.nomor_perjanjian
