{#- Realisation, compliance and data quality are fractions between 0 and 1. -#}
{% test fraction(model, column_name) %}
select {{ column_name }}
from {{ model }}
where {{ column_name }} < 0 or {{ column_name }} > 1
{% endtest %}
