-- Each expected semester of each agreement (one in which the agreement itself is in force
-- at least one day): the earliest received report of it or its roll-up members (every
-- workbook, superseded ones too; form records by semester, not not-approved), the due
-- instant, and its score: 1 on or before the due date, 0.5 later, 0 if none.
with reports as (
    select
        w.nomor_perjanjian,
        w.semester,
        w.received_at
    from {{ ref('eval_workbooks') }} as w
    cross join {{ ref('eval_period') }} as p
    where w.tahun = p.tahun
    union all
    select
        r.nomor_perjanjian,
        r.semester,
        r.received_at
    from {{ ref('fct_report') }} as r
    cross join {{ ref('eval_period') }} as p
    where
        r.channel = 'form' and not r.is_not_approved and not r.is_deleted
        and r.tahun = p.tahun and r.received_at < p.cutoff_at
),

expected as (
    select
        a.nomor_perjanjian,
        s.semester,
        case s.semester when 1 then p.s1_due_at else p.s2_due_at end as due_at
    from {{ ref('eval_agreements') }} as a
    cross join {{ ref('eval_period') }} as p
    cross join
        lateral (
            values (1, a.days_in_force_s1), (2, a.days_in_force_s2)
        ) as s (semester, days_in_force)
    where s.days_in_force > 0
),

semesters as (
    select
        e.nomor_perjanjian,
        e.semester,
        e.due_at,
        min(r.received_at) as first_received_at
    from expected as e
    left join {{ ref('eval_rollup') }} as u on e.nomor_perjanjian = u.nomor_perjanjian
    left join reports as r on u.member_nomor = r.nomor_perjanjian and e.semester = r.semester
    group by e.nomor_perjanjian, e.semester, e.due_at
)

select
    nomor_perjanjian,
    semester,
    due_at,
    first_received_at,
    case
        when first_received_at is null then 0
        when first_received_at < due_at then 1
        else 0.5
    end as semester_score
from semesters
