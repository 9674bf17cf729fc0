-- Lineage for auditors: for each agreement's scorecard row (with its roll-up), every
-- commitment row and every outcome row or form record version submitted for it for Y -
-- superseded, received after the cut-off, not approved, deleted and quarantined ones too -
-- with where it came from (file and sha256, sheet and row, or form _id and _uuid; received
-- time; load id; Airflow run id) and why it counts or not.
with period as (
    select * from {{ ref('eval_period') }}
),

workbook_status as (
    select
        r.workbook_load_id,
        r.received_at >= p.cutoff_at as after_cut_off,
        coalesce(w.is_latest_for_semester, false) as is_latest_for_semester,
        coalesce(w.is_latest_action_plan, false) as is_latest_action_plan,
        f.airflow_run_id
    from {{ ref('fct_report') }} as r
    cross join period as p
    left join {{ ref('eval_workbooks') }} as w on r.workbook_load_id = w.workbook_load_id
    left join {{ ref('stg_spreadsheet__file_receipts') }} as f on r.workbook_load_id = f.load_id
    where r.channel = 'workbook'
),

commitments as (
    select
        c.nomor_perjanjian as member_nomor,
        'commitment' as kind,
        'workbook' as channel,
        c.file_name,
        c.sha256,
        c.sheet,
        c.row_number,
        null::bigint as kobo_id,
        null::text as kobo_uuid,
        c.received_at,
        c.workbook_load_id::text as load_id,
        s.airflow_run_id,
        c.item_no,
        c.target as amount,
        c.passed_ingestion and s.is_latest_action_plan and not s.after_cut_off as counts,
        case
            when s.after_cut_off then 'received after the cut-off'
            when not c.passed_ingestion then 'quarantined: ' || coalesce(q.reasons, '?')
            when not s.is_latest_action_plan then 'superseded: a later workbook of the year carries the action plan'
            else 'commitment item (latest action plan of the year)'
        end as reason,
        c.commitment_key as source_key
    from {{ ref('fct_commitment') }} as c
    cross join period as p
    inner join workbook_status as s on c.workbook_load_id = s.workbook_load_id
    left join {{ ref('stg_raw__quarantined_rows') }} as q
        on c.workbook_load_id = q.load_id and c.sheet = q.sheet and c.row_number = q.row_number
    where c.tahun = p.tahun
),

outcomes as (
    select
        o.nomor_perjanjian as member_nomor,
        'outcome' as kind,
        o.channel,
        o.file_name,
        o.sha256,
        o.sheet,
        o.row_number,
        o.kobo_id,
        o.kobo_uuid,
        o.received_at,
        coalesce(o.workbook_load_id::text, k.load_id::text) as load_id,
        coalesce(s.airflow_run_id, k.airflow_run_id) as airflow_run_id,
        o.no_rencana_aksi as item_no,
        o.capaian as amount,
        coalesce(e.is_counted, false) as counts,
        case
            when o.received_at >= p.cutoff_at then 'received after the cut-off'
            when o.channel = 'workbook' and not s.is_latest_for_semester
                then 'superseded: a later workbook for the semester replaces it'
            when o.channel = 'form' and not o.is_latest_version
                then 'older version of the form record: the latest counts'
            when o.is_deleted then 'deleted from the form (absent from a complete sweep)'
            when o.is_not_approved then 'not approved by reviewers: never counted'
            else e.judgement
        end as reason,
        o.outcome_key as source_key
    from {{ ref('fct_outcome') }} as o
    cross join period as p
    left join workbook_status as s on o.workbook_load_id = s.workbook_load_id
    left join {{ ref('stg_kobo__record_versions') }} as k on o.version_id = k.version_id
    left join {{ ref('eval_submitted_outcomes') }} as e on o.outcome_key = e.outcome_key
    where o.tahun = p.tahun
),

source_rows as (
    select * from commitments
    union all
    select * from outcomes
)

select
    p.tahun,
    p.as_of,
    u.nomor_perjanjian,
    r.*
from {{ ref('eval_rollup') }} as u
cross join period as p
inner join source_rows as r on u.member_nomor = r.member_nomor
