-- Name resolution (docs/sources.md): every name a partner goes by (nama_resmi, singkatan,
-- aliases) in each partner-master copy, normalised. A name that two partners share
-- resolves to neither: `is_ambiguous`.
-- Indexed on what `partner_of_name` looks up, once per register row: without it each
-- lookup read the whole table (dim_agreement 0.4 s at 10% scale, 25.8 s at national).
{{ config(indexes=[{'columns': ['partner_master_load_id', 'name_key']}]) }}

with names as (
    select
        partner_master_load_id,
        kode_mitra,
        nama_resmi as spelling
    from {{ ref('stg_spreadsheet__partner_master_rows') }}
    where accepted
    union all
    select
        partner_master_load_id,
        kode_mitra,
        singkatan
    from {{ ref('stg_spreadsheet__partner_master_rows') }}
    where accepted and singkatan is not null
    union all
    select
        p.partner_master_load_id,
        p.kode_mitra,
        a.alias
    from {{ ref('stg_spreadsheet__partner_master_rows') }} as p
    cross join lateral unnest(string_to_array(p.alias, ';')) as a (alias)
    where p.accepted
),

normalised as (
    select distinct
        partner_master_load_id,
        {{ normalise_name('spelling') }} as name_key,
        kode_mitra
    from names
)

select
    partner_master_load_id,
    name_key,
    kode_mitra,
    count(*) over (partition by partner_master_load_id, name_key) > 1 as is_ambiguous
from normalised
where name_key is not null
