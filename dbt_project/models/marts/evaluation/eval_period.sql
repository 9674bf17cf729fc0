-- The evaluation's year Y and cut-off (dbt vars `year`, `as_of`), and the instants the
-- rules compare received times with (ends of days in Asia/Jakarta).
with params as (
    select
        {{ eval_year() }} as tahun,
        {{ eval_as_of() }} as as_of
)

select
    tahun,
    as_of,
    make_date(tahun, 1, 1) as year_start,
    make_date(tahun, 12, 31) as year_end,
    {{ jakarta_day_end('as_of') }} as cutoff_at,
    {{ jakarta_day_end('make_date(tahun, 7, 15)') }} as s1_due_at,
    {{ jakarta_day_end('make_date(tahun + 1, 1, 15)') }} as s2_due_at
from params
