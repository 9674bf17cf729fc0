-- The agreements the evaluation sees (latest register copy before the cut-off), each
-- with its partner resolved by name (never guessed), its days in force in Y and in each
-- semester, and whether it is evaluated: not cancelled and in force >= 90 days of Y.
with copy as (
    select load_id from {{ ref('eval_latest_copies') }}
    where kind = 'register'
),

partner_copy as (
    select load_id from {{ ref('eval_latest_copies') }}
    where kind = 'partner_master'
),

agreements as (
    select
        trim(r.nomor_perjanjian) as nomor_perjanjian,
        r.jenis,
        case when r.jenis = 'PKS' then nullif(trim(r.nomor_induk), '') end as nomor_induk,
        r.mitra_name,
        r.tanggal_tanda_tangan,
        r.tanggal_berakhir,
        r.status,
        coalesce(r.status = 'Dibatalkan', false) as is_cancelled,
        r.register_load_id,
        r.file_name as register_file_name,
        r.row_number as register_row_number
    from {{ ref('stg_spreadsheet__register_rows') }} as r
    inner join copy on r.register_load_id = copy.load_id
    where r.accepted
),

resolved as (
    select
        a.nomor_perjanjian,
        {{ partner_of_name('a.mitra_name', 'pc.load_id') }} as kode_mitra
    from agreements as a
    cross join partner_copy as pc
),

in_force as (
    select
        a.*,
        r.kode_mitra,
        case
            when a.is_cancelled then 0
            else {{ days_in_force('a.tanggal_tanda_tangan', 'a.tanggal_berakhir', 'p.year_start', 'p.year_end') }}
        end as days_in_force,
        case
            when a.is_cancelled then 0
            else {{ days_in_force('a.tanggal_tanda_tangan', 'a.tanggal_berakhir', 'p.year_start', 'make_date(p.tahun, 6, 30)') }}
        end as days_in_force_s1,
        case
            when a.is_cancelled then 0
            else {{ days_in_force('a.tanggal_tanda_tangan', 'a.tanggal_berakhir', 'make_date(p.tahun, 7, 1)', 'p.year_end') }}
        end as days_in_force_s2
    from agreements as a
    inner join resolved as r on a.nomor_perjanjian = r.nomor_perjanjian
    cross join {{ ref('eval_period') }} as p
)

select
    *,
    not is_cancelled and days_in_force >= 90 as is_evaluated
from in_force
