class ReadOnlyInline:
    """An admin inline that only lists rows: nothing is added, changed or deleted through it."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
