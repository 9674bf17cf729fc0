{#- Partners as of a day (from the latest partner-master copy before the cut-off): the
    row valid on that day, else the latest row that started before it, else the earliest.
    `day`: an expression over `p`, the evaluation period (eval_period). -#}
{% macro partners_on(day) %}
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
                        m.berlaku_mulai <= {{ day }}
                        and (m.berlaku_sampai is null or m.berlaku_sampai >= {{ day }}) then 0
                    when m.berlaku_mulai < {{ day }} then 1
                    else 2
                end,
                case when m.berlaku_mulai <= {{ day }} then m.berlaku_mulai end desc nulls last,
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
{% endmacro %}
