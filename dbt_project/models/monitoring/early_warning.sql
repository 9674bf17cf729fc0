-- The early-warning mart for D (monitoring.md): one row per watched agreement and warning,
-- with the partner as of D and the reporter of the agreement's own latest workbook.
with reporter as (
    select distinct on (w.nomor_perjanjian)
        w.nomor_perjanjian,
        w.nama_pelapor,
        w.email
    from {{ ref('eval_workbooks') }} as w
    order by w.nomor_perjanjian, {{ latest_first('w') }}
)

select
    p.as_of,
    a.nomor_perjanjian,
    a.jenis,
    a.kode_mitra,
    m.nama_resmi as nama_mitra,
    x.kode,
    x.detail,
    a.tanggal_berakhir,
    r.nama_pelapor,
    r.email
from {{ ref('mon_warnings') }} as x
inner join {{ ref('mon_watched') }} as a on x.nomor_perjanjian = a.nomor_perjanjian
cross join {{ ref('mon_period') }} as p
left join {{ ref('mon_partners') }} as m on a.kode_mitra = m.kode_mitra
left join reporter as r on a.nomor_perjanjian = r.nomor_perjanjian
order by a.nomor_perjanjian collate "C", x.kode collate "C"  -- noqa: RF02
