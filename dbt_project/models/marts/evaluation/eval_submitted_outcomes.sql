-- Submitted outcome rows of each agreement for Y (which rows: macro
-- submitted_outcome_rows). Each is good or bad, and counted or not, with the reason.
with submitted as (
    {{ submitted_outcome_rows('p.tahun') }}
),

judged as (
    select
        s.*,
        i.item_no is not null as matches_item,
        i.bidang as item_bidang,
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
