-- Agreements (MoU and PKS) as each register copy lists them: the register's history by
-- received time. `is_current` marks the latest readable copy (latest received time, then
-- the file name that sorts last in byte order).
with copies as (
    select
        load_id,
        received_at,
        file_name,
        row_number() over (order by {{ latest_first() }}) as recency,
        lead(received_at) over (
            order by received_at, file_name collate "C"
        ) as next_received_at
    from {{ ref('stg_spreadsheet__file_receipts') }}
    where kind = 'register' and status = 'loaded'
)

select
    md5(r.register_load_id::text || '/' || r.row_number::text) as agreement_key,
    r.nomor_perjanjian,
    r.jenis,
    r.nomor_induk,
    r.mitra_name,
    r.tanggal_tanda_tangan,
    r.tanggal_berakhir,
    r.ruang_lingkup,
    r.unit_pelaksana,
    r.status,
    c.received_at as valid_from,
    c.next_received_at as valid_to,
    c.recency = 1 as is_current,
    r.register_load_id,
    r.file_name as register_file_name,
    r.sha256 as register_sha256,
    r.row_number as register_row_number
from {{ ref('stg_spreadsheet__register_rows') }} as r
inner join copies as c on r.register_load_id = c.load_id
where r.accepted
