-- Agreements watched on D: of the latest register copy received by D, those in force on D
-- (not cancelled, signed on or before D, ending on or after D).
select
    a.nomor_perjanjian,
    a.jenis,
    a.kode_mitra,
    a.tanggal_tanda_tangan,
    a.tanggal_berakhir
from {{ ref('eval_agreements') }} as a
cross join {{ ref('mon_period') }} as p
where
    not a.is_cancelled
    and a.tanggal_tanda_tangan <= p.as_of
    and a.tanggal_berakhir >= p.as_of
