{#- The foreign keys of a model's contract (its yml) are added after its rows are in, never
    checked row by row as they go in. dbt's contract creates an empty table with its
    constraints and then inserts: with a foreign key on the table, PostgreSQL checks each
    inserted row against the referenced table, one trigger call a row. That took half of
    `fct_outcome`'s full build at national scale (its insert 15.4 s with the keys, 7.7 s
    without; BENCHMARKS.md item 25). Added afterwards, a key is checked with one join.

    So `get_table_columns_and_constraints` renders a contract's columns and constraints
    without the column-level foreign keys, and `add_foreign_keys()`, a post-hook of every
    model (dbt_project.yml), adds each one the table lacks, under the name its yml gives,
    in the same transaction as the build: nobody sees the table without them. It also
    restores those that rebuilding a dimension dropped (the dimension's old copy goes with
    `cascade`), which an incremental fact would otherwise lose for good. It renders nothing
    for a model without foreign keys, and one catalog lookup a key when none is missing. -#}
{% macro postgres__get_table_columns_and_constraints() -%}
    {%- set columns = {} -%}
    {%- for name, column in model['columns'].items() -%}
        {%- set kept = column.copy() -%}
        {%- do kept.update({'constraints': column['constraints']
                            | rejectattr('type', 'equalto', 'foreign_key') | list}) -%}
        {%- do columns.update({name: kept}) -%}
    {%- endfor -%}
    {%- set raw_column_constraints = adapter.render_raw_columns_constraints(raw_columns=columns) -%}
    {%- set raw_model_constraints = adapter.render_raw_model_constraints(raw_constraints=model['constraints']) -%}
    (
    {% for c in raw_column_constraints -%}
        {{ c }}{{ "," if not loop.last or raw_model_constraints }}
    {% endfor %}
    {% for c in raw_model_constraints -%}
        {{ c }}{{ "," if not loop.last }}
    {% endfor -%}
    )
{%- endmacro %}

{% macro add_foreign_keys() %}
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
        do $add_foreign_keys$ begin {{ statements | join(' ') }} end $add_foreign_keys$
    {%- endif -%}
{% endmacro %}
