-- What each commitment item achieved: the sum of Capaian of its counted outcomes (used by
-- realisation and by bidang progress).
select
    nomor_perjanjian,
    no_rencana_aksi,
    sum(capaian) as capaian
from {{ ref('eval_counted_outcomes') }}
group by nomor_perjanjian, no_rencana_aksi
