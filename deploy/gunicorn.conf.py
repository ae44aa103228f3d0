"""gunicorn for lianghua in production (docs/deploy.md): `gunicorn -c deploy/gunicorn.conf.py`.

Behind the reverse proxy, on loopback. Each value can be set from the environment (the systemd unit's
EnvironmentFile) without editing this file.
"""

import multiprocessing
import os

wsgi_app = "lianghua.wsgi:application"
bind = os.environ.get("LIANGHUA_BIND", "127.0.0.1:8000")
# Threads per worker: requests wait mostly on the database; two cores give 5 workers × 4 threads.
worker_class = "gthread"
workers = int(os.environ.get("LIANGHUA_WORKERS", str(multiprocessing.cpu_count() * 2 + 1)))
threads = int(os.environ.get("LIANGHUA_THREADS", "4"))
# An upload is read, checked and written within its request (a province's file: a minute or more), so a
# worker is given long before it is stopped; a stopped import leaves its batch 中断 and nothing applied.
timeout = int(os.environ.get("LIANGHUA_REQUEST_TIMEOUT", "900"))
graceful_timeout = 60
keepalive = 5
# A worker that has served this many requests is replaced (memory a long import took is given back).
max_requests = 2000
max_requests_jitter = 200
# Only the proxy on this machine may say the request came over TLS (X-Forwarded-Proto).
forwarded_allow_ips = os.environ.get("LIANGHUA_PROXY_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LIANGHUA_LOG_LEVEL", "info")
