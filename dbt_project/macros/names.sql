{#- Name resolution (docs/sources.md): lower case, every character that is not a letter or a
    digit removed, so `PB NU` = `PBNU` and `PT. Pegadaian (Persero)` = `pt pegadaian persero`. -#}
{% macro normalise_name(expr) -%}
    nullif(regexp_replace(lower({{ expr }}), '[^[:alnum:]]', '', 'g'), '')
{%- endmacro %}

{#- A province as written: a leading `Provinsi`/`Prov.` dropped, then normalised as names. -#}
{% macro normalise_provinsi(expr) -%}
    {{ normalise_name("regexp_replace(" ~ expr ~ ", '^\\s*(provinsi|prov\\.?)\\s+', '', 'i')") }}
{%- endmacro %}

{#- The partner a name designates in one partner-master copy: the code whose name, singkatan
    or alias normalises to the same key, when exactly one code does (never guessed). -#}
{% macro partner_of_name(name_expr, partner_master_load_id) -%}
    (
        select case when count(distinct n.kode_mitra) = 1 then min(n.kode_mitra) end
        from {{ ref('int_partner_names') }} as n
        where
            n.partner_master_load_id = {{ partner_master_load_id }}
            and n.name_key = {{ normalise_name(name_expr) }}
    )
{%- endmacro %}
