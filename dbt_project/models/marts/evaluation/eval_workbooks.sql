-- Workbooks of agreements in the register, received on or before the cut-off (any year),
-- with which of them is the latest for its agreement, year and semester (earlier ones are
-- superseded) and which is the latest with a readable Rencana Aksi sheet for its year.
with workbooks as (
    select
        r.report_key,
        r.channel,
        r.workbook_load_id,
        r.kobo_id,
        r.file_name,
        r.sha256,
        r.nomor_perjanjian,
        r.tahun,
        r.semester,
        r.received_at,
        r.rencana_aksi_readable,
        r.realisasi_readable,
        r.is_not_approved,
        r.is_deleted,
        c.nama_pelapor,
        c.jabatan,
        c.email
    from {{ ref('fct_report') }} as r
    inner join {{ ref('stg_spreadsheet__reports') }} as c on r.workbook_load_id = c.workbook_load_id
    inner join {{ ref('eval_agreements') }} as a on r.nomor_perjanjian = a.nomor_perjanjian
    cross join {{ ref('eval_period') }} as p
    where r.channel = 'workbook' and r.received_at < p.cutoff_at
)

select
    *,
    row_number() over (
        partition by nomor_perjanjian, tahun, semester
        order by {{ latest_first() }}
    ) = 1 as is_latest_for_semester,
    coalesce(row_number() over (
        partition by nomor_perjanjian, tahun, rencana_aksi_readable
        order by {{ latest_first() }}
    ) = 1 and rencana_aksi_readable, false) as is_latest_action_plan,
    row_number() over (
        partition by nomor_perjanjian
        order by {{ latest_first() }}
    ) = 1 as is_latest_any_year
from workbooks
