-- One row per drop-folder file receipt. A file's bytes count from the earliest time any
-- identical copy was received (docs/sources.md, "Received time").
select
    load_id,
    airflow_run_id,
    file_name,
    file_path,
    kind,
    sha256,
    size_bytes,
    status,
    duplicate_of,
    received_at as copy_received_at,
    min(received_at) over (partition by sha256) as received_at,
    loaded_at
from {{ source('raw', 'file_receipt') }}
