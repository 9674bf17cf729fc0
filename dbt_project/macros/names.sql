{#- Name resolution (docs/sources.md): lower case, every character that is not a letter or a
    digit removed, so `PB NU` = `PBNU` and `PT. Pegadaian (Persero)` = `pt pegadaian persero`. -#}
{% macro normalise_name(expr) -%}
    nullif(regexp_replace(lower({{ expr }}), '[^[:alnum:]]', '', 'g'), '')
{%- endmacro %}

{#- A province as written: a leading `Provinsi`/`Prov.` dropped, then normalised as names. -#}
{% macro normalise_provinsi(expr) -%}
    {{ normalise_name("regexp_replace(" ~ expr ~ ", '^\\s*(provinsi|prov\\.?)\\s+', '', 'i')") }}
{%- endmacro %}
