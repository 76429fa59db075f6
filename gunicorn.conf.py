"""gunicorn settings for `make serve`; each can be changed through the environment."""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# Threads: a long export streams in one thread while the worker keeps answering others
# and its heartbeat, so it is not killed as stuck half-way.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 4))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests (a guard against slow leaks). Each new one
# imports the app again (0.84 s of CPU, quiet): at 2,000, /healthz served flat out spent half
# its CPU on new workers (docs/benchmarks.md, *Load*).
max_requests = 20000
max_requests_jitter = 2000
# No control socket under ~/.gunicorn/: nothing here uses it.
control_socket_disable = True
# One line a request on standard output: who, what, status, size and time in ms.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
