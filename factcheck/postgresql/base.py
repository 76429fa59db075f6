"""Django's PostgreSQL backend, with a health check that costs no round trip.

With CONN_HEALTH_CHECKS, Django asks the server `SELECT 1` before a kept connection's first
use in each request: a round trip on every request (a label save is otherwise one). A
server that ends a connection (a restart, a failover, `pg_terminate_backend`) says so on
it and closes it, so a connection that went bad while idle has something to read: that
message, or the end of the stream. An idle connection with nothing to read is taken as
healthy without asking; one with anything to read gets Django's own check. A server that
vanished without a word is not found by either (the `SELECT 1` would wait on it too).
"""

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def close_if_health_check_failed(self):
        if (
            self.connection is not None and not self.connection.closed
            and self.health_check_enabled and not self.health_check_done and not self.pool
            and _nothing_to_read(self.connection.fileno())
        ):
            self.health_check_done = True
        super().close_if_health_check_failed()  # returns at once once the check is done


def _nothing_to_read(fd):
    poller = select.poll()
    poller.register(fd, select.POLLIN)  # a hang-up or an error is reported as well
    return not poller.poll(0)
