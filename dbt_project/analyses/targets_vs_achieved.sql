-- Targets against achievements per bidang, province and year: an example for BI users.
-- The facts join each dimension once (indicator for bidang and satuan, region for the
-- province). "Latest" here means as the warehouse stands now; an evaluation applies its
-- own cut-off instead (schema evaluation).
with latest_plans as (
    -- the latest workbook with a readable action plan, per agreement and year
    select distinct on (nomor_perjanjian, tahun) workbook_load_id
    from {{ ref('fct_report') }}
    where channel = 'workbook' and rencana_aksi_readable
    order by nomor_perjanjian asc, tahun asc, received_at desc, file_name collate "C" desc  -- noqa: RF02
),

latest_workbooks as (
    -- the latest workbook per agreement, year and semester (earlier ones are superseded)
    select distinct on (nomor_perjanjian, tahun, semester) workbook_load_id
    from {{ ref('fct_report') }}
    where channel = 'workbook'
    order by nomor_perjanjian asc, tahun asc, semester asc, received_at desc, file_name collate "C" desc  -- noqa: RF02
),

achieved as (
    select
        o.nomor_perjanjian,
        o.tahun,
        o.no_rencana_aksi,
        sum(o.capaian) as capaian
    from {{ ref('fct_outcome') }} as o
    left join latest_workbooks as w on o.workbook_load_id = w.workbook_load_id
    where
        o.passed_ingestion
        and (
            w.workbook_load_id is not null
            or (o.channel = 'form' and o.is_latest_version and not o.is_deleted and not o.is_not_approved)
        )
    group by o.nomor_perjanjian, o.tahun, o.no_rencana_aksi
)

select
    c.tahun,
    i.bidang,
    i.satuan,
    r.nama_provinsi,
    sum(c.target) as target,  -- noqa: RF04
    coalesce(sum(a.capaian), 0) as capaian
from {{ ref('fct_commitment') }} as c
inner join latest_plans as p on c.workbook_load_id = p.workbook_load_id
inner join {{ ref('dim_indicator') }} as i on c.indicator_key = i.indicator_key
left join {{ ref('dim_region') }} as r on c.kode_provinsi = r.kode_provinsi
left join achieved as a
    on
        c.nomor_perjanjian = a.nomor_perjanjian
        and c.tahun = a.tahun
        and c.item_no = a.no_rencana_aksi
where c.passed_ingestion
group by c.tahun, i.bidang, i.satuan, r.nama_provinsi
order by c.tahun, i.bidang, i.satuan, r.nama_provinsi
