-- Partners as of 31 December Y (from the latest partner-master copy before the cut-off):
-- the row valid on that day, else the latest row that started before it, else the earliest.
with copy as (
    select load_id from {{ ref('eval_latest_copies') }}
    where kind = 'partner_master'
),

ranked as (
    select
        m.*,
        row_number() over (
            partition by m.kode_mitra
            order by
                case
                    when
                        m.berlaku_mulai <= p.year_end
                        and (m.berlaku_sampai is null or m.berlaku_sampai >= p.year_end) then 0
                    when m.berlaku_mulai < p.year_end then 1
                    else 2
                end,
                case when m.berlaku_mulai <= p.year_end then m.berlaku_mulai end desc nulls last,
                m.berlaku_mulai,
                m.row_number asc
        ) as pick
    from {{ ref('stg_spreadsheet__partner_master_rows') }} as m
    inner join copy on m.partner_master_load_id = copy.load_id
    cross join {{ ref('eval_period') }} as p
    where m.accepted
)

select
    kode_mitra,
    nama_resmi,
    kategori,
    kode_provinsi,
    berlaku_mulai,
    berlaku_sampai
from ranked
where pick = 1
