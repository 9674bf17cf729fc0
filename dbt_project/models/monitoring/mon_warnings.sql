-- One row per watched agreement and warning code on D (monitoring.md, "Warnings"), with
-- the roll-up of the evaluation (an MoU sees its PKS's items, outcomes and reports).
with period as (
    select * from {{ ref('mon_period') }}
),

items as (
    select
        u.nomor_perjanjian,
        count(i.item_no) as n_items
    from {{ ref('eval_rollup') }} as u
    left join {{ ref('eval_commitment_items') }} as i on u.member_nomor = i.nomor_perjanjian
    group by u.nomor_perjanjian
),

reports as (
    -- a report of the due semester received by D: any workbook (superseded too), or a
    -- form record that is not marked not-approved and not deleted
    select r.nomor_perjanjian
    from {{ ref('fct_report') }} as r
    cross join period as p
    where
        r.tahun = p.due_tahun and r.semester = p.due_semester
        and r.received_at < p.cutoff_at
        and (r.channel = 'workbook' or (not r.is_not_approved and not r.is_deleted))
),

counted as (
    select distinct u.nomor_perjanjian
    from {{ ref('eval_rollup') }} as u
    inner join {{ ref('eval_counted_outcomes') }} as c on u.member_nomor = c.nomor_perjanjian
    cross join period as p
    where c.tanggal_kegiatan <= p.as_of
),

fixable as (
    select
        u.nomor_perjanjian,
        count(*) as n_rows
    from {{ ref('eval_rollup') }} as u
    inner join {{ ref('mon_fixable_rows') }} as f on u.member_nomor = f.nomor_perjanjian
    group by u.nomor_perjanjian
),

warnings as (
    select
        w.nomor_perjanjian,
        'rencana_aksi_belum_ada' as kode,
        'Rencana aksi tahun ' || p.tahun || ' belum diterima' as detail
    from {{ ref('mon_watched') }} as w
    cross join period as p
    inner join items as i on w.nomor_perjanjian = i.nomor_perjanjian
    where
        i.n_items = 0
        and p.as_of >= greatest(make_date(p.tahun, 3, 31), w.tanggal_tanda_tangan + 60)

    union all

    select
        w.nomor_perjanjian,
        'laporan_belum_masuk' as kode,
        'Laporan semester ' || case p.due_semester when 1 then 'I' else 'II' end
        || ' tahun ' || p.due_tahun || ' belum diterima' as detail
    from {{ ref('mon_watched') }} as w
    cross join period as p
    where
        -- in force at least one day of the due semester
        w.tanggal_tanda_tangan <= case p.due_semester
            when 1 then make_date(p.due_tahun, 6, 30)
            else make_date(p.due_tahun, 12, 31)
        end
        and w.tanggal_berakhir >= case p.due_semester
            when 1 then make_date(p.due_tahun, 1, 1)
            else make_date(p.due_tahun, 7, 1)
        end
        and not exists (
            select 1 from {{ ref('eval_rollup') }} as u
            inner join reports as r on u.member_nomor = r.nomor_perjanjian
            where u.nomor_perjanjian = w.nomor_perjanjian
        )

    union all

    select
        w.nomor_perjanjian,
        'berisiko_tidur' as kode,
        'Belum ada kegiatan yang dilaporkan tahun ' || p.tahun as detail
    from {{ ref('mon_watched') }} as w
    cross join period as p
    where
        p.as_of >= make_date(p.tahun, 7, 1)
        and {{ days_in_force('w.tanggal_tanda_tangan', 'w.tanggal_berakhir',
                             'make_date(p.tahun, 1, 1)', 'p.as_of') }} >= 90
        and w.nomor_perjanjian not in (select c.nomor_perjanjian from counted as c)

    union all

    select
        w.nomor_perjanjian,
        'segera_berakhir' as kode,
        'Berakhir pada ' || {{ tanggal_indonesia('w.tanggal_berakhir') }} as detail
    from {{ ref('mon_watched') }} as w
    cross join period as p
    where w.tanggal_berakhir <= p.as_of + 180

    union all

    select
        w.nomor_perjanjian,
        'data_perlu_perbaikan' as kode,
        f.n_rows || ' baris laporan perlu diperbaiki' as detail
    from {{ ref('mon_watched') }} as w
    inner join fixable as f on w.nomor_perjanjian = f.nomor_perjanjian
)

select * from warnings
