-- Score and category of each evaluated agreement: skor = 100 x (0.5 R + 0.3 C + 0.2 Q)
-- from the exact R, C, Q, rounded to one decimal half away from zero; kategori Tidur if
-- sleeping, else Baik >= 75, Cukup >= 50, Kurang. R, C and Q are published with six
-- decimals.
select
    a.nomor_perjanjian,
    round(r.realisasi, 6) as realisasi,
    round(k.kepatuhan, 6) as kepatuhan,
    round(q.kualitas_data, 6) as kualitas_data,
    {{ skor('r.realisasi', 'k.kepatuhan', 'q.kualitas_data') }} as skor,
    {{ kategori(skor('r.realisasi', 'k.kepatuhan', 'q.kualitas_data'), 'act.is_sleeping') }} as kategori
from {{ ref('eval_agreements') }} as a
inner join {{ ref('eval_realisasi') }} as r on a.nomor_perjanjian = r.nomor_perjanjian
inner join {{ ref('eval_kepatuhan') }} as k on a.nomor_perjanjian = k.nomor_perjanjian
inner join {{ ref('eval_kualitas_data') }} as q on a.nomor_perjanjian = q.nomor_perjanjian
inner join {{ ref('eval_activity') }} as act on a.nomor_perjanjian = act.nomor_perjanjian
where a.is_evaluated
