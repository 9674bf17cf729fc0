-- Why each quarantined row (a workbook row or a form record version) was refused: its
-- reason codes and reasons, each list sorted and joined, one row per quarantined row.
select
    load_id,
    sheet,
    row_number,
    kobo_id,
    string_agg(reason_code, ', ' order by reason_code) as reason_codes,
    string_agg(reason, '; ' order by reason) as reasons
from {{ source('raw', 'quarantine') }}
where scope = 'row'
group by load_id, sheet, row_number, kobo_id
