-- Agreements (MoU and PKS) as each register copy lists them: the register's history by
-- received time. One row per agreement number is current (`is_current`): its row in the
-- latest register copy that lists it, or, for a number that reports name but no register
-- copy lists, an inferred row with empty attributes. Current rows have the stable key
-- `current_agreement_key(nomor_perjanjian)`, which the facts carry as their foreign key;
-- older rows keep a key of their copy and row. `kode_mitra`: the partner its Mitra names
-- in the latest partner-master copy loaded (macro `partner_of_name`).
-- Changed in place, not built again (incremental strategy `sync`, macros/sync_in_place.sql):
-- the facts' foreign keys point at it, and a copy built again would take them along.
{{ config(materialized='incremental', incremental_strategy='sync', unique_key='agreement_key',
          on_schema_change='append_new_columns') }}

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
),

listed as (
    select
        r.*,
        c.received_at as valid_from,
        c.next_received_at as valid_to,
        c.recency = 1 as in_latest_register,
        row_number() over (
            partition by r.nomor_perjanjian order by c.recency, r.row_number
        ) = 1 as is_current
    from {{ ref('stg_spreadsheet__register_rows') }} as r
    inner join copies as c on r.register_load_id = c.load_id
    where r.accepted
),

partner_copy as (
    select load_id from {{ ref('stg_spreadsheet__file_receipts') }}
    where kind = 'partner_master' and status = 'loaded'
    order by {{ latest_first() }}
    limit 1
),

reported as (
    select nomor_perjanjian from {{ ref('stg_spreadsheet__reports') }}
    union
    select nomor_perjanjian from {{ ref('stg_kobo__record_versions') }}
)

select
    case
        when l.is_current then {{ current_agreement_key('l.nomor_perjanjian') }}
        else md5(l.register_load_id::text || '/' || l.row_number::text)
    end as agreement_key,
    l.nomor_perjanjian,
    l.jenis,
    l.nomor_induk,
    l.mitra_name,
    {{ partner_of_name('l.mitra_name', '(select load_id from partner_copy)') }} as kode_mitra,
    l.tanggal_tanda_tangan,
    l.tanggal_berakhir,
    l.ruang_lingkup,
    l.unit_pelaksana,
    l.status,
    l.valid_from,
    l.valid_to,
    l.is_current,
    l.in_latest_register,
    false as is_inferred,
    l.register_load_id,
    l.file_name as register_file_name,
    l.sha256 as register_sha256,
    l.row_number as register_row_number
from listed as l

union all

select
    {{ current_agreement_key('p.nomor_perjanjian') }} as agreement_key,
    p.nomor_perjanjian,
    null as jenis,
    null as nomor_induk,
    null as mitra_name,
    null as kode_mitra,
    null::date as tanggal_tanda_tangan,
    null::date as tanggal_berakhir,
    null as ruang_lingkup,
    null as unit_pelaksana,
    null as status,
    null::timestamptz as valid_from,
    null::timestamptz as valid_to,
    true as is_current,
    false as in_latest_register,
    true as is_inferred,
    null::uuid as register_load_id,
    null as register_file_name,
    null as register_sha256,
    null::integer as register_row_number
from reported as p
where
    p.nomor_perjanjian is not null
    and not exists (
        select 1 from listed as l
        where l.nomor_perjanjian = p.nomor_perjanjian
    )
