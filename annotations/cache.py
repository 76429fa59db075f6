"""The database cache, with counters that hold when many workers count at once."""

import base64
import pickle

from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, router, transaction
from django.utils.timezone import now as tz_now


class DatabaseCache(DjangoDatabaseCache):
    """Django's database cache, whose `incr` is atomic and keeps the key's expiry.

    Django's reads the value and writes it back as a new `set`: two workers reading the
    same count both write count + 1, losing a hit, and the expiry restarts at the default
    timeout. Here the row is locked from the read to the write (SELECT ... FOR UPDATE on
    PostgreSQL; SQLite's write transactions run one at a time) and only the value changes.
    Two queries a call.
    """

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote_name = connection.ops.quote_name
        table, cache_key = quote_name(self._table), quote_name("cache_key")
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        now = tz_now().replace(microsecond=0, tzinfo=None)
        with transaction.atomic(using=db, savepoint=False), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote_name('value')} FROM {table} "
                f"WHERE {cache_key} = %s AND {quote_name('expires')} > %s{lock}",
                [key, connection.ops.adapt_datetimefield_value(now)],
            )
            row = cursor.fetchone()
            if row is not None:
                stored = connection.ops.process_clob(row[0])
                value = pickle.loads(base64.b64decode(stored.encode())) + delta
                pickled = pickle.dumps(value, self.pickle_protocol)
                cursor.execute(
                    f"UPDATE {table} SET {quote_name('value')} = %s WHERE {cache_key} = %s",
                    [base64.b64encode(pickled).decode("latin1"), key],
                )
        # Raised outside the block: inside, it would spoil the caller's transaction.
        if row is None:
            raise ValueError(f"Key '{key}' not found")
        return value
