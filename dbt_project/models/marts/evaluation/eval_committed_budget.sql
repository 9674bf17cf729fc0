-- Budget committed by each agreement for Y (with its roll-up): the Anggaran of its
-- commitment items (every item, whatever its target), 0 without any.
with committed as (
    select
        u.nomor_perjanjian,
        sum(i.anggaran) as anggaran_komitmen
    from {{ ref('eval_rollup') }} as u
    inner join {{ ref('eval_commitment_items') }} as i on u.member_nomor = i.nomor_perjanjian
    group by u.nomor_perjanjian
)

select
    a.nomor_perjanjian,
    coalesce(c.anggaran_komitmen, 0) as anggaran_komitmen
from {{ ref('eval_agreements') }} as a
left join committed as c on a.nomor_perjanjian = c.nomor_perjanjian
