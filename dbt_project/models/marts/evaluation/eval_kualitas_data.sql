-- Data quality Q of each agreement (with its roll-up): good / (good + bad) over its
-- submitted outcome rows; 1 if there are none.
select
    a.nomor_perjanjian,
    count(o.source_record_key) filter (where o.is_good) as good_rows,
    count(o.source_record_key) filter (where not o.is_good) as bad_rows,
    coalesce(
        count(o.source_record_key) filter (where o.is_good)::numeric
        / nullif(count(o.source_record_key), 0),
        1
    ) as kualitas_data
from {{ ref('eval_agreements') }} as a
left join {{ ref('eval_rollup') }} as u on a.nomor_perjanjian = u.nomor_perjanjian
left join {{ ref('eval_submitted_outcomes') }} as o on u.member_nomor = o.nomor_perjanjian
group by a.nomor_perjanjian
