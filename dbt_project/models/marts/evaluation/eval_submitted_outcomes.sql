-- Submitted outcome rows of each agreement for Y: the Realisasi rows of its latest
-- workbook for each semester of Y, and its form records for Y (latest version, not
-- deleted, received on or before the cut-off, not marked not-approved). Each is good or
-- bad, and counted or not, with the reason.
with workbook_rows as (
    select o.*
    from {{ ref('fct_outcome') }} as o
    inner join {{ ref('eval_workbooks') }} as w on o.workbook_load_id = w.workbook_load_id
    cross join {{ ref('eval_period') }} as p
    where w.is_latest_for_semester and w.tahun = p.tahun
),

form_records as (
    select o.*
    from {{ ref('fct_outcome') }} as o
    inner join {{ ref('eval_agreements') }} as a on o.nomor_perjanjian = a.nomor_perjanjian
    cross join {{ ref('eval_period') }} as p
    where
        o.channel = 'form'
        and o.is_latest_version
        and not o.is_deleted
        and not o.is_not_approved
        and o.tahun = p.tahun
        and o.received_at < p.cutoff_at
),

submitted as (
    select * from workbook_rows
    union all
    select * from form_records
),

judged as (
    select
        s.*,
        i.item_no is not null as matches_item,
        s.passed_ingestion and i.item_no is not null as is_good,
        s.tanggal_kegiatan between p.year_start and p.year_end as dated_in_year
    from submitted as s
    cross join {{ ref('eval_period') }} as p
    left join {{ ref('eval_commitment_items') }} as i
        on s.nomor_perjanjian = i.nomor_perjanjian and s.no_rencana_aksi = i.item_no
)

select
    *,
    is_good and dated_in_year as is_counted,
    case
        when not passed_ingestion then 'bad: quarantined at ingestion (' || coalesce(quarantine_reasons, '?') || ')'
        when not matches_item then 'bad: No Rencana Aksi ' || no_rencana_aksi || ' is not a commitment item of the agreement for the year'
        when not dated_in_year then 'good, not counted: Tanggal Kegiatan outside the year'
        else 'good, counted'
    end as judgement
from judged
