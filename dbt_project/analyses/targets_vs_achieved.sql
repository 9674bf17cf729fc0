-- Targets against achievements per bidang, unit, province and year: an example for BI users.
-- The facts' flags say which copy stands (is_latest_copy: the latest workbook, the latest
-- version of a form record); each dimension is joined once along a foreign key. "Stands"
-- means as the warehouse stands now; an evaluation applies its own cut-off (schema
-- evaluation, the *_latest views for the latest of each year).
with achieved as (
    select
        nomor_perjanjian,
        tahun,
        no_rencana_aksi,
        sum(capaian) as capaian
    from {{ ref('fct_outcome') }}
    where is_latest_copy and passed_ingestion and not is_not_approved
    group by nomor_perjanjian, tahun, no_rencana_aksi
)

select
    c.tahun,
    i.bidang,
    i.satuan,
    r.nama_provinsi,
    sum(c.target) as target,  -- noqa: RF04
    coalesce(sum(a.capaian), 0) as capaian
from {{ ref('fct_commitment') }} as c
inner join {{ ref('dim_indicator') }} as i on c.indicator_key = i.indicator_key
left join {{ ref('dim_region') }} as r on c.kode_provinsi = r.kode_provinsi
left join achieved as a
    on
        c.nomor_perjanjian = a.nomor_perjanjian
        and c.tahun = a.tahun
        and c.item_no = a.no_rencana_aksi
where c.is_latest_copy and c.passed_ingestion
group by c.tahun, i.bidang, i.satuan, r.nama_provinsi
order by c.tahun, i.bidang, i.satuan, r.nama_provinsi
