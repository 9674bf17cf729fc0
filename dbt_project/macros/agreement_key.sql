{#- The surrogate key of an agreement's current row in dim_agreement, from its number alone:
    stable across register copies, so incremental facts keep pointing at the row that stands
    now (a foreign key BI tools follow). Empty for an empty number. -#}
{% macro current_agreement_key(nomor_column) -%}
    md5('agreement/' || {{ nomor_column }})
{%- endmacro %}
