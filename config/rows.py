"""One model instance read (with the rows it points at, joined), or one row updated, by a statement
compiled once per shape.

For the few statements nearly every request makes — the signed-in user, an autosave's attempt, its question
and response — compiling the query through the ORM cost more CPU than running it (0.64 ms against 0.15 ms
for a user by primary key here), and under load each statement costs a round trip to a busy database
(about 1 ms of waiting each), so rows read together are read in one statement. These build the same SQL
the ORM would, once per (model, fields, relations, lock, database), and convert the values with the same
converters; the instances are ordinary model instances, related ones cached as select_related caches them.
Anything beyond equality on a model's own columns stays with the ORM.
"""

from functools import cache
from typing import Any

from django.db import DatabaseError, connections, models, router


def fetch[Model: models.Model](
    model: type[Model], *, lock: bool = False, related: tuple[str, ...] = (), **equal: Any
) -> Model | None:
    """The one `model` instance whose columns equal `equal` (field names or "pk"), or None; `lock` reads it
    under a row lock (SELECT … FOR UPDATE, inside a transaction) where the database has row locks.

    `related` names relations read in the same statement and cached on the instance, as select_related
    does: a foreign key (None when null) or the reverse of a one-to-one (None when there is no such row).
    """
    if any(value is None for value in equal.values()):
        raise ValueError("fetch() compares with =, which NULL never equals: use the ORM's isnull")
    if lock and related:
        raise ValueError("fetch() locks one table's row: read what it points at separately")
    # A locked read is the start of a write: it goes where writes go, as select_for_update() does.
    using = router.db_for_write(model) if lock else router.db_for_read(model)
    statement = _select(model, tuple(equal), tuple(related), lock, using)
    connection = connections[using]
    try:
        params = [_prepared(statement.filters[name], value, connection) for name, value in equal.items()]
    except _OutOfRange:
        return None
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, params)
        rows = cursor.fetchmany(2)
    if not rows:
        return None
    if len(rows) > 1:
        raise model.MultipleObjectsReturned(  # type: ignore[attr-defined]  # made by the model's metaclass
            f"fetch({model.__name__}, {', '.join(equal)}) matched more than one row"
        )
    values = list(rows[0])
    for index, converters in statement.converters:
        for converter, expression in converters:
            values[index] = converter(values[index], expression, connection)
    instance = model.from_db(using, statement.tables[0].attnames, values[: statement.tables[0].width])
    start = statement.tables[0].width
    for table in statement.tables[1:]:
        row = values[start : start + table.width]
        start += table.width
        # An outer join's missing row comes back as NULLs: its primary key is one of them.
        other = None if row[table.pk_index] is None else table.model.from_db(using, table.attnames, row)
        table.relation.set_cached_value(instance, other)
        if other is not None and table.remote is not None:
            table.remote.set_cached_value(other, instance)
    return instance


def save_fields(instance: models.Model, fields: list[str]) -> None:
    """Write `fields` of a saved instance, as `instance.save(update_fields=fields)` does without signals (and,
    like it, raise DatabaseError when the row is gone)."""
    model = type(instance)
    using = router.db_for_write(model, instance=instance)
    connection = connections[using]
    targets = [model._meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in targets)
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote(model._meta.pk.column)} = %s"
    params = [field.get_db_prep_save(field.pre_save(instance, add=False), connection) for field in targets]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, model._meta.pk.get_db_prep_value(instance.pk, connection)])
        if cursor.rowcount == 0:
            raise DatabaseError(f"{model.__name__} {instance.pk} is gone: nothing was updated.")


class _Table:
    """One table of a statement: its model's concrete columns, and (for a joined one) how it is cached."""

    def __init__(self, model: type[models.Model], relation=None, remote=None):
        self.model = model
        self.fields = model._meta.concrete_fields
        self.attnames = [field.attname for field in self.fields]
        self.width = len(self.fields)
        self.pk_index = self.fields.index(model._meta.pk)
        self.relation = relation  # caches the joined instance on the main one
        self.remote = remote  # caches the main instance on the joined one (the reverse of a one-to-one)


class _Select:
    def __init__(self, model: type[models.Model], names: tuple, related: tuple, lock: bool, using: str):
        connection = connections[using]
        quote = connection.ops.quote_name
        opts = model._meta
        main = quote(opts.db_table)
        self.tables = [_Table(model)]
        joins = []
        for name in related:
            table, join = _join(opts, name, quote)
            if table.model._meta.db_table in {known.model._meta.db_table for known in self.tables}:
                raise ValueError(f"fetch() joins each table once: {opts.label}.{name} would join it again")
            self.tables.append(table)
            joins.append(join)
        self.filters = {name: opts.pk if name == "pk" else _field(opts, name) for name in names}
        columns = ", ".join(
            f"{quote(table.model._meta.db_table)}.{quote(field.column)}"
            for table in self.tables
            for field in table.fields
        )
        where = " AND ".join(f"{main}.{quote(field.column)} = %s" for field in self.filters.values())
        self.sql = f"SELECT {columns} FROM {main}{''.join(joins)} WHERE {where}"
        if lock and connection.features.has_select_for_update:
            self.sql += " FOR UPDATE"
        self.converters = []
        index = 0
        for table in self.tables:
            for field in table.fields:
                column = field.get_col(table.model._meta.db_table)
                converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
                if converters:
                    self.converters.append((index, [(converter, column) for converter in converters]))
                index += 1


def _join(opts, name: str, quote) -> tuple[_Table, str]:
    """The table a relation of `opts` joins, and the join: inner for a foreign key that cannot be null,
    outer for one that can and for the reverse of a one-to-one (the row may not exist)."""
    relation = opts.get_field(name)
    main = quote(opts.db_table)
    if isinstance(relation, models.ForeignKey):
        other = quote(relation.related_model._meta.db_table)
        kind = "LEFT OUTER JOIN" if relation.null else "INNER JOIN"
        on = f"{other}.{quote(relation.target_field.column)} = {main}.{quote(relation.column)}"
        return _Table(relation.related_model, relation), f" {kind} {other} ON {on}"
    if isinstance(relation, models.OneToOneRel):
        other = quote(relation.related_model._meta.db_table)
        on = f"{other}.{quote(relation.field.column)} = {main}.{quote(opts.pk.column)}"
        return _Table(relation.related_model, relation, relation.field), f" LEFT OUTER JOIN {other} ON {on}"
    raise ValueError(f"fetch() joins foreign keys and reverse one-to-ones, not {opts.label}.{name}")


def _field(opts, name: str) -> models.Field:
    """A concrete field by its name or attname (learner or learner_id)."""
    for field in opts.concrete_fields:
        if name in (field.name, field.attname):
            return field
    raise ValueError(f"{opts.label} has no column {name!r}")


class _OutOfRange(Exception):
    """A number no column of the field's type can hold (position 99999999999 from an address): no row
    matches, as with the ORM, rather than the database refusing the statement."""


def _prepared(field: models.Field, value: Any, connection) -> Any:
    if isinstance(value, models.Model):
        value = value.pk
    target = field.target_field if isinstance(field, models.ForeignKey) else field
    prepared = target.get_db_prep_value(value, connection, prepared=False)
    if isinstance(prepared, int) and isinstance(target, models.IntegerField):
        low, high = connection.ops.integer_field_range(target.get_internal_type())
        if (low is not None and prepared < low) or (high is not None and prepared > high):
            raise _OutOfRange
    return prepared


@cache
def _select(
    model: type[models.Model], names: tuple[str, ...], related: tuple[str, ...], lock: bool, using: str
) -> _Select:
    return _Select(model, names, related, lock, using)
