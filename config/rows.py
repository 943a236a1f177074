"""One model instance read, or one row updated, by a statement compiled once per shape.

For the few statements nearly every request makes — the signed-in user, an autosave's attempt, its question
and response — compiling the query through the ORM cost more CPU than running it (0.64 ms against 0.15 ms
for a user by primary key here). These build the same SQL the ORM would, once per (model, fields, lock,
database), and convert the values with the same converters; the instances are ordinary model instances.
Anything beyond equality on a model's own columns stays with the ORM.
"""

from functools import cache
from typing import Any

from django.db import DatabaseError, connections, models, router


def fetch[Model: models.Model](model: type[Model], *, lock: bool = False, **equal: Any) -> Model | None:
    """The one `model` instance whose columns equal `equal` (field names or "pk"), or None; `lock` reads it
    under a row lock (SELECT … FOR UPDATE, inside a transaction) where the database has row locks."""
    if any(value is None for value in equal.values()):
        raise ValueError("fetch() compares with =, which NULL never equals: use the ORM's isnull")
    # A locked read is the start of a write: it goes where writes go, as select_for_update() does.
    using = router.db_for_write(model) if lock else router.db_for_read(model)
    statement = _select(model, tuple(equal), lock, using)
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
    return model.from_db(using, statement.attnames, values)


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


class _Select:
    def __init__(self, model: type[models.Model], names: tuple[str, ...], lock: bool, using: str):
        connection = connections[using]
        quote = connection.ops.quote_name
        opts = model._meta
        fields = opts.concrete_fields
        self.attnames = [field.attname for field in fields]
        self.filters = {name: opts.pk if name == "pk" else _field(opts, name) for name in names}
        columns = ", ".join(quote(field.column) for field in fields)
        where = " AND ".join(f"{quote(field.column)} = %s" for field in self.filters.values())
        self.sql = f"SELECT {columns} FROM {quote(opts.db_table)} WHERE {where}"
        if lock and connection.features.has_select_for_update:
            self.sql += " FOR UPDATE"
        self.converters = []
        for index, field in enumerate(fields):
            column = field.get_col(opts.db_table)
            converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            if converters:
                self.converters.append((index, [(converter, column) for converter in converters]))


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
def _select(model: type[models.Model], names: tuple[str, ...], lock: bool, using: str) -> _Select:
    return _Select(model, names, lock, using)
