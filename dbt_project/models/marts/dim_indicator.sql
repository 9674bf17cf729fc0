-- Indicators: a bidang and the unit (satuan) its targets and achievements are counted in.
select distinct
    md5(coalesce(bidang, '') || '/' || coalesce(satuan, '')) as indicator_key,
    bidang,
    satuan
from {{ ref('stg_spreadsheet__rencana_aksi_rows') }}
