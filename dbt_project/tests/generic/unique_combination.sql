{#- No two rows share these columns (dbt_utils' unique_combination_of_columns, which hub
    packages cannot bring here). -#}
{% test unique_combination(model, columns) %}
select {{ columns | join(', ') }}, count(*) as n_rows
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
