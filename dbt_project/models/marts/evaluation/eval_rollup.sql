-- Roll-up: whose commitments, outcomes and reports make up an agreement's figures.
-- Every agreement feeds itself; every PKS whose Nomor Induk is an MoU also feeds that MoU,
-- whatever the PKS's own status or days in force.
select
    nomor_perjanjian,
    nomor_perjanjian as member_nomor
from {{ ref('eval_agreements') }}

union all

select
    mou.nomor_perjanjian,
    pks.nomor_perjanjian as member_nomor
from {{ ref('eval_agreements') }} as mou
inner join {{ ref('eval_agreements') }} as pks
    on pks.jenis = 'PKS' and mou.nomor_perjanjian = pks.nomor_induk
where mou.jenis = 'MoU'
