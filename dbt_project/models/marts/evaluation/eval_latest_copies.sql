-- The register copy and the partner-master copy the evaluation sees: the latest loaded
-- (readable) copy of each kind received on or before the cut-off; on equal received times
-- the file name that sorts last (byte order) wins.
with ranked as (
    select
        f.kind,
        f.load_id,
        f.file_name,
        f.sha256,
        f.received_at,
        row_number() over (partition by f.kind order by {{ latest_first('f') }}) as recency
    from {{ ref('stg_spreadsheet__file_receipts') }} as f
    cross join {{ ref('eval_period') }} as p
    where
        f.kind in ('register', 'partner_master')
        and f.status = 'loaded'
        and f.received_at < p.cutoff_at
)

select
    kind,
    load_id,
    file_name,
    sha256,
    received_at
from ranked
where recency = 1
