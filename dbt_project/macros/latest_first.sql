{#- The order that puts the copy that counts first (docs/sources.md, "which copy counts"): the
    latest received time, then the file name that sorts last in byte order. `alias`:
    the relation's alias in the query, if any. -#}
{% macro latest_first(alias=none) -%}
    {%- set p = alias ~ '.' if alias else '' -%}
    {{ p }}received_at desc, {{ p }}file_name collate "C" desc
{%- endmacro %}
