{#- Amounts, targets and counts are never negative (docs/sources.md: numbers >= 0). -#}
{% test non_negative(model, column_name) %}
select {{ column_name }}
from {{ model }}
where {{ column_name }} < 0
{% endtest %}
