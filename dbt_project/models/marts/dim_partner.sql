-- Partners (mitra), type 2: one row per validity interval of the partner master, for every
-- partner-master copy received (so an evaluation can use the latest copy before its cut-off).
with copies as (
    select
        load_id,
        row_number() over (order by {{ latest_first() }}) as recency
    from {{ ref('stg_spreadsheet__file_receipts') }}
    where kind = 'partner_master' and status = 'loaded'
)

select
    md5(p.partner_master_load_id::text || '/' || p.row_number::text) as partner_key,
    p.kode_mitra,
    p.nama_resmi,
    p.singkatan,
    p.kategori,
    p.induk,
    p.kode_provinsi,
    p.berlaku_mulai,
    p.berlaku_sampai,
    p.alias,
    p.received_at as copy_received_at,
    c.recency = 1 as is_latest_copy,
    p.partner_master_load_id,
    p.file_name as partner_master_file_name,
    p.sha256 as partner_master_sha256,
    p.row_number as partner_master_row_number
from {{ ref('stg_spreadsheet__partner_master_rows') }} as p
inner join copies as c on p.partner_master_load_id = c.load_id
where p.accepted
