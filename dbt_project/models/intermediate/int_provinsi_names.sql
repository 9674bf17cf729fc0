-- Province resolution (docs/sources.md): a province's name, each alias and its code,
-- normalised, each pointing to its Kemendagri code.
with names as (
    select
        kode_provinsi,
        nama as spelling
    from {{ ref('stg_reference__provinsi') }}
    union all
    select
        kode_provinsi,
        kode_provinsi as spelling
    from {{ ref('stg_reference__provinsi') }}
    union all
    select
        p.kode_provinsi,
        a.alias
    from {{ ref('stg_reference__provinsi') }} as p
    cross join lateral unnest(string_to_array(p.alias, ';')) as a (alias)
)

select distinct
    {{ normalise_provinsi('spelling') }} as name_key,
    kode_provinsi
from names
where {{ normalise_provinsi('spelling') }} is not null
