-- Reporting compliance C of each agreement: the mean score of its expected semesters
-- (eval_semester_reports); 0 when none is expected.
select
    a.nomor_perjanjian,
    coalesce(avg(s.semester_score), 0) as kepatuhan,
    count(s.semester) as expected_semesters
from {{ ref('eval_agreements') }} as a
left join {{ ref('eval_semester_reports') }} as s on a.nomor_perjanjian = s.nomor_perjanjian
group by a.nomor_perjanjian
