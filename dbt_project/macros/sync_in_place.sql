{#- An incremental strategy, `sync`, for a table that the facts' foreign keys point at: the
    table becomes exactly what its query returns now, changed in place. Rows whose key the
    query no longer returns are deleted, rows whose values changed are updated, new keys are
    inserted; a row that did not change is not touched.

    Why: a table built again is a new table, and the old one goes with `cascade`, taking
    every foreign key that points at it. `dim_agreement` reads the reports and form records
    (a number reported but in no register gets an inferred row), so every increment built
    it again, and `add_foreign_keys()` then checked every fact row against the new copy
    (BENCHMARKS.md item 25). In place, the keys stay, and PostgreSQL checks only the rows
    deleted: a key still used by a fact cannot be deleted, and the build fails saying so
    rather than leave a fact pointing nowhere. A code change that removes or retypes a
    column (`append_new_columns` adds the new ones) builds the table again instead, as a
    table would be: the keys pointing at it go along, and the facts add them back when
    they are built next. -#}
{% macro get_incremental_sync_sql(arg_dict) %}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set source = arg_dict['temp_relation'] -%}
    {%- if check_for_schema_changes(source, target)['schema_changed'] -%}
        {%- do return(sync_rebuild_sql(target, source)) -%}
    {%- endif -%}
    {%- set key = adapter.quote(arg_dict['unique_key']) -%}
    {%- set columns, values, new, old = [], [], [], [] -%}
    {%- for column in arg_dict['dest_columns'] -%}
        {%- set name = adapter.quote(column.name) -%}
        {%- do columns.append(name) -%}
        {%- if name != key -%}
            {%- do values.append(name) -%}
            {%- do new.append('s.' ~ name) -%}
            {%- do old.append('t.' ~ name) -%}
        {%- endif -%}
    {%- endfor -%}
delete from {{ target }} as t
where not exists (select 1 from {{ source }} as s where s.{{ key }} = t.{{ key }});

update {{ target }} as t
set ({{ values | join(', ') }}) = row({{ new | join(', ') }})
from {{ source }} as s
where
    s.{{ key }} = t.{{ key }}
    and row({{ old | join(', ') }}) is distinct from row({{ new | join(', ') }});

insert into {{ target }} ({{ columns | join(', ') }})
select {{ columns | join(', ') }} from {{ source }} as s
where not exists (select 1 from {{ target }} as t where t.{{ key }} = s.{{ key }})
{% endmacro %}

{% macro sync_rebuild_sql(target, source) %}
drop table {{ target }} cascade;
{{ get_create_table_as_sql(False, target, 'select * from ' ~ source) }}
{% endmacro %}
