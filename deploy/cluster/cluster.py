"""A whole deployment on one machine, for the fault test and for anyone to try: a primary
and a streaming replica (Debian's pg_createcluster and pg_basebackup, on their own ports and
directories, never the default cluster), Redis, two gunicorn app servers and HAProxy in
front, checking each server's /healthz.

    .venv/bin/python deploy/cluster/cluster.py up      # prints the balancer's address
    .venv/bin/python deploy/cluster/cluster.py status
    .venv/bin/python deploy/cluster/cluster.py down    # stops and removes all of it

Run as root (the PostgreSQL clusters run as the postgres user). CLUSTER_PORT (default 7100)
is the balancer's port; the parts take the next ones: primary +1, replica +2, Redis +3, app
servers +11 and +12, the balancer's statistics +9. Files go to /tmp/factcheck-cluster-PORT.
"""

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = Path(sys.executable)
GUNICORN = PYTHON.parent / "gunicorn"
PG_VERSION = os.environ.get("CLUSTER_PG_VERSION") or sorted(os.listdir("/usr/lib/postgresql"))[-1]
PG_BIN = Path("/usr/lib/postgresql") / PG_VERSION / "bin"
APP_SERVERS = (1, 2)


class Cluster:
    def __init__(self, port=None):
        self.port = int(port or os.environ.get("CLUSTER_PORT", 7100))
        self.dir = Path(f"/tmp/factcheck-cluster-{self.port}")
        self.primary_port, self.replica_port = self.port + 1, self.port + 2
        self.redis_port, self.stats_port = self.port + 3, self.port + 9
        self.names = {"primary": f"fc{self.port}primary", "replica": f"fc{self.port}replica"}

    # ---- addresses ------------------------------------------------------------------------

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def app_url(self, server):
        return f"http://127.0.0.1:{self.port + 10 + server}"

    def database_url(self, part="primary", user="postgres"):
        port = self.primary_port if part == "primary" else self.replica_port
        return f"postgres://{user}@127.0.0.1:{port}/factcheck"

    def app_environment(self, **extra):
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "ENV_FILE": "",
            "LOCAL": "true",  # plain HTTP on this machine
            "SECRET_KEY": "cluster-secret-key-for-this-machine-only-0123456789abcdefghij",
            "DATABASE_URL": self.database_url(),
            "DATABASE_REPLICA_URL": self.database_url("replica", "factcheck_ro"),
            "DATABASE_CONNECT_TIMEOUT": "2",
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "WEB_CONCURRENCY": "2",
            "GUNICORN_THREADS": "4",
            "THROTTLE_USER_RATE": "100000/minute",
            **extra,
        }

    def manage(self, *args, **kwargs):
        """Run manage.py against the primary."""
        return subprocess.run(
            [str(PYTHON), "manage.py", *args], cwd=ROOT, env=self.app_environment(),
            check=kwargs.pop("check", True), capture_output=True, text=True, **kwargs,
        )

    # ---- the whole ------------------------------------------------------------------------

    def up(self):
        if os.geteuid() != 0:
            sys.exit("Run as root: the PostgreSQL clusters run as the postgres user.")
        self.down(quiet=True)
        self.dir.mkdir(mode=0o755, parents=True)
        shutil.chown(self.dir, "postgres")
        step("primary database", self.start_primary)
        step("replica", self.make_replica)
        step("Redis", self.start_redis)
        for server in APP_SERVERS:
            step(f"app server {server}", self.start_app, server)
        step("balancer", self.start_balancer)
        print(f"The workbench answers at {self.url}/ (stop it all: cluster.py down)")

    def down(self, quiet=False):
        for name in ["balancer", "app1", "app2", "redis"]:
            self._kill(name, signal.SIGKILL, children=True)
        for part in ("replica", "primary"):
            subprocess.run(["pg_dropcluster", "--stop", PG_VERSION, self.names[part]],
                           capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)
        if not quiet:
            print("The cluster is stopped and removed.")

    def status(self):
        answer = {}
        for name, url in [("balancer", self.url)] + [
            (f"app{server}", self.app_url(server)) for server in APP_SERVERS
        ]:
            try:
                with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
                    answer[name] = json.loads(response.read())
            except OSError as error:
                answer[name] = f"down ({error})"
        return answer

    # ---- PostgreSQL ---------------------------------------------------------------------

    def start_primary(self):
        self._create_cluster("primary")
        self._start_cluster("primary")
        psql = ["psql", "-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "postgres",
                "-v", "ON_ERROR_STOP=1", "-q"]
        subprocess.run([*psql, "-c", "CREATE DATABASE factcheck"], check=True)
        self.manage("migrate", "--no-input")
        # The replica's reader: SELECT on every table, now and those later migrations add.
        subprocess.run([*psql, "-d", "factcheck", "-c", """
            CREATE ROLE factcheck_ro LOGIN;
            GRANT CONNECT ON DATABASE factcheck TO factcheck_ro;
            GRANT USAGE ON SCHEMA public TO factcheck_ro;
            GRANT SELECT ON ALL TABLES IN SCHEMA public TO factcheck_ro;
            ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public
                GRANT SELECT ON TABLES TO factcheck_ro;
        """], check=True)

    def make_replica(self):
        self._create_cluster("replica")
        data = self.dir / "replica"
        shutil.rmtree(data)
        as_postgres(str(PG_BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p",
                    str(self.primary_port), "-U", "postgres", "-D", str(data), "-R",
                    "-X", "stream", "--checkpoint=fast")
        self._start_cluster("replica")

    def _create_cluster(self, part):
        port = self.primary_port if part == "primary" else self.replica_port
        subprocess.run([
            "pg_createcluster", PG_VERSION, self.names[part], "-p", str(port),
            "-d", str(self.dir / part), "-l", str(self.dir / f"{part}.log"),
            "--start-conf=manual", "-o", "listen_addresses=localhost",
            "-o", "hot_standby_feedback=on", "-o", "fsync=off",
            "--", "--auth=trust",
        ], check=True, capture_output=True)

    def _start_cluster(self, part):
        subprocess.run(["pg_ctlcluster", PG_VERSION, self.names[part], "start"], check=True)

    def stop_replica(self):
        subprocess.run(["pg_ctlcluster", PG_VERSION, self.names["replica"], "stop", "-m",
                        "fast"], check=True)

    def start_replica(self):
        self._start_cluster("replica")

    def replica_processes(self):
        """The replica's postmaster and every process it started."""
        postmaster = int((self.dir / "replica" / "postmaster.pid").read_text().split()[0])
        children = subprocess.run(["pgrep", "-P", str(postmaster)], capture_output=True,
                                  text=True).stdout.split()
        return [postmaster, *map(int, children)]

    def pause_replica(self):
        """As a host that stops answering: every process of the replica stopped (SIGSTOP),
        the postmaster first so that it starts no more; connections are accepted by the
        kernel and never answered."""
        self._signal_replica(signal.SIGSTOP)

    def resume_replica(self):
        self._signal_replica(signal.SIGCONT)

    def _signal_replica(self, sig):
        for pid in self.replica_processes():
            with contextlib.suppress(ProcessLookupError):  # a backend that just ended
                os.kill(pid, sig)

    # ---- Redis, the app servers, the balancer -----------------------------------------------

    def start_redis(self):
        subprocess.run([
            "redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--daemonize", "yes",
            "--pidfile", str(self.dir / "redis.pid"), "--logfile", str(self.dir / "redis.log"),
            "--dir", str(self.dir),
        ], check=True)
        wait_for(lambda: (self.dir / "redis.pid").exists(), "Redis to start")

    def stop_redis(self):
        self._kill("redis", signal.SIGKILL)

    def start_app(self, server):
        subprocess.run([
            str(GUNICORN), "factcheck.wsgi", "--config", "gunicorn.conf.py", "--daemon",
            "--pid", str(self.dir / f"app{server}.pid"),
            "--access-logfile", str(self.dir / f"app{server}.log"),
            "--error-logfile", str(self.dir / f"app{server}.log"), "--capture-output",
        ], cwd=ROOT, check=True, env=self.app_environment(
            HOST="127.0.0.1", PORT=str(self.port + 10 + server)
        ))
        wait_for(lambda: answers(self.app_url(server) + "/healthz"),
                 f"app server {server} to answer")

    def kill_app(self, server):
        """The server dies at once, with what it was doing (SIGKILL to all its processes)."""
        self._kill(f"app{server}", signal.SIGKILL, children=True)

    def start_balancer(self):
        servers = "\n".join(
            f"    server app{server} 127.0.0.1:{self.port + 10 + server} check "
            f"inter 1s fall 3 rise 2"
            for server in APP_SERVERS
        )
        config = self.dir / "haproxy.cfg"
        config.write_text(f"""global
    maxconn 512
defaults
    mode http
    timeout connect 2s
    # A server busy with exports may take a while to answer its check; it is still up.
    timeout check 5s
    timeout client 120s
    timeout server 120s
    option redispatch 1
    retries 3
    # A request the dead server never answered goes to the other one.
    retry-on conn-failure empty-response response-timeout
    option http-buffer-request
frontend workbench
    bind 127.0.0.1:{self.port}
    default_backend app
backend app
    balance roundrobin
    option httpchk GET /healthz
    http-check expect status 200
{servers}
listen stats
    bind 127.0.0.1:{self.stats_port}
    stats enable
    stats uri /
""")
        subprocess.run(["haproxy", "-f", str(config), "-D", "-p",
                        str(self.dir / "balancer.pid")], check=True)
        wait_for(lambda: answers(self.url + "/healthz"), "the balancer to answer")

    def _kill(self, name, sig=signal.SIGTERM, children=False):
        pidfile = self.dir / f"{name}.pid"
        try:
            pids = [int(pid) for pid in pidfile.read_text().split()]
        except (OSError, ValueError):
            return
        if children:
            pids += [int(pid) for pid in subprocess.run(
                ["pgrep", "-P", ",".join(map(str, pids))], capture_output=True, text=True
            ).stdout.split()]
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        wait_for(lambda: not any(alive(pid) for pid in pids), f"{name} to stop")
        pidfile.unlink(missing_ok=True)


def as_postgres(*command):
    subprocess.run(["runuser", "-u", "postgres", "--", *command], check=True,
                   capture_output=True)


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A killed child of ours stays a zombie until reaped; it is not running.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except (OSError, IndexError):
        return False


def answers(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def wait_for(condition, what, seconds=60):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"Waited {seconds} s for {what}")
        time.sleep(0.1)


def step(what, action, *args):
    started = time.monotonic()
    print(f"Starting {what}...", end=" ", flush=True)
    action(*args)
    print(f"done ({time.monotonic() - started:.1f} s)")


def main(argv):
    commands = {"up": "up", "down": "down", "status": "status"}
    if len(argv) != 2 or argv[1] not in commands:
        sys.exit(f"usage: {argv[0]} up|down|status")
    cluster = Cluster()
    result = getattr(cluster, commands[argv[1]])()
    if argv[1] == "status":
        print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main(sys.argv)
