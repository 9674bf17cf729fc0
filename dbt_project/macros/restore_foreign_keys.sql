{#- A post-hook of the incremental facts: add back each foreign key of the model's contract
    (its yml) that the table lacks (none from that column to that table). dbt creates a contract's constraints only when it creates the table, and
    rebuilding a dimension drops the keys that point at it (its old copy goes with `cascade`),
    so an incremental fact would lose them for good. Cheap when nothing is missing. -#}
{% macro restore_foreign_keys() %}
    {%- set statements = [] -%}
    {%- for column in model.columns.values() -%}
        {%- for constraint in column.constraints if constraint.type == 'foreign_key' -%}
            {%- set target = constraint.to -%}
            {%- if target.startswith('ref(') -%}
                {%- set node = graph.nodes['model.' ~ project_name ~ '.' ~ target.split("'")[1]] -%}
                {%- set target = api.Relation.create(database=node.database, schema=node.schema,
                                                     identifier=node.alias) -%}
            {%- endif -%}
            {%- do statements.append(
                "if not exists (select 1 from pg_constraint where contype = 'f' and conrelid = '"
                ~ this ~ "'::regclass and confrelid = '" ~ target ~ "'::regclass and conkey = "
                ~ "array[(select attnum from pg_attribute where attrelid = '" ~ this ~
                "'::regclass and attname = '" ~ column.name ~ "')]) then alter table " ~ this ~
                " add constraint " ~ adapter.quote(constraint.name) ~ " foreign key (" ~
                adapter.quote(column.name) ~ ") references " ~ target ~ " (" ~
                constraint.to_columns | map('string') | join(', ') ~ "); end if;") -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if statements -%}
        do $restore$ begin {{ statements | join(' ') }} end $restore$
    {%- else -%}
        select 1
    {%- endif -%}
{% endmacro %}
