class PrimaryReplicaRouter:
    """Every read and write goes to the primary (`default`), so that a reviewer always
    reads what they just saved; only the dataset exports read from `replica`, by asking
    for it (`exporting.EXPORT_DATABASE`). Migrations run on the primary alone."""

    def db_for_read(self, model, **hints):
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
