class NoRowEdits:
    """Nothing is added, changed or deleted as a row through this admin (actions may still change rows)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(NoRowEdits):
    """An admin inline that only lists rows: nothing is added, changed or deleted through it."""

    extra = 0
    can_delete = False
