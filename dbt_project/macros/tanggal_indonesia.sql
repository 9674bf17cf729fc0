{#- A date as staff write it: day without a leading zero, the month's Indonesian name,
    the year (8 September 2027). -#}
{% macro tanggal_indonesia(day) -%}
    extract(day from {{ day }})::integer || ' ' || (array[
        'Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus',
        'September', 'Oktober', 'November', 'Desember'
    ])[extract(month from {{ day }})::integer] || ' ' || extract(year from {{ day }})::integer
{%- endmacro %}
