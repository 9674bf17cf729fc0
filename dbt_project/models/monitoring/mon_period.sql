-- The monitoring date D (dbt var `as_of`; Y = its year, var `year`) with what the warnings
-- compare against: the semester most recently due before D, and whether last year's rows
-- can still be corrected (until the evaluation's default cut-off, 31 January Y).
select
    p.tahun,
    p.as_of,
    p.cutoff_at,
    case
        when p.as_of <= make_date(p.tahun, 7, 15) then p.tahun - 1
        else p.tahun
    end as due_tahun,
    case
        when p.as_of <= make_date(p.tahun, 1, 15) then 1
        when p.as_of <= make_date(p.tahun, 7, 15) then 2
        else 1
    end as due_semester,
    p.as_of <= make_date(p.tahun, 1, 31) as corrects_last_year
from {{ ref('eval_period') }} as p
