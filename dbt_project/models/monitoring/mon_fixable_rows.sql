-- Submitted outcome rows that are bad and fixable on D (monitoring.md, data_perlu_perbaikan):
-- rows of Y, and of Y-1 while corrections still count (D <= 31 January Y), received by D,
-- quarantined at ingestion, or unmatched while the agreement they were reported under has
-- at least one commitment item of its own for that row's year.
with this_year as (
    select
        s.nomor_perjanjian,
        s.tahun,
        s.passed_ingestion,
        s.matches_item,
        exists(
            select 1 from {{ ref('eval_commitment_items') }} as i
            where i.nomor_perjanjian = s.nomor_perjanjian
        ) as has_own_items
    from {{ ref('eval_submitted_outcomes') }} as s
),

last_year_items as (
    {{ action_plan_items('p.tahun - 1') }}
),

last_year_rows as (
    {{ submitted_outcome_rows('p.tahun - 1') }}
),

last_year as (
    select
        s.nomor_perjanjian,
        s.tahun,
        s.passed_ingestion,
        exists(
            select 1 from last_year_items as i
            where i.nomor_perjanjian = s.nomor_perjanjian and i.item_no = s.no_rencana_aksi
        ) as matches_item,
        exists(
            select 1 from last_year_items as i
            where i.nomor_perjanjian = s.nomor_perjanjian
        ) as has_own_items
    from last_year_rows as s
    cross join {{ ref('mon_period') }} as mp
    where mp.corrects_last_year
),

judged as (
    select * from this_year
    union all
    select * from last_year
)

select
    nomor_perjanjian,
    tahun
from judged
where not passed_ingestion or (not matches_item and has_own_items)
