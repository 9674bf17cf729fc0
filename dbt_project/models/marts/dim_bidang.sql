-- Fields of P4GN work (bidang): the five known ones, and any other spelling seen in a
-- Rencana Aksi (kept as written, flagged unknown).
with known as (
    select
        b as bidang,
        true as is_known
    from unnest(array[
        'Pencegahan', 'Pemberdayaan Masyarakat', 'Rehabilitasi', 'Pemberantasan',
        'Penelitian dan Pengembangan'
    ]) as k (b)
),

seen as (
    select distinct
        bidang,
        false as is_known
    from {{ ref('stg_spreadsheet__rencana_aksi_rows') }}
    where bidang is not null and bidang not in (select k.bidang from known as k)
)

select
    bidang,
    is_known
from known
union all
select
    bidang,
    is_known
from seen
