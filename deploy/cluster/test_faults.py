"""Reviewers save through the balancer while, in turn, an app server is killed and
restarted, the replica is stopped, the replica is paused, and Redis is restarted; exports
run throughout. Nothing may be lost or doubled, nothing but the documented 503s may fail,
and everything recovers without a restart.

    make test-cluster      # (root) starts the cluster, runs this, removes the cluster
"""

import json
import random
import shutil
import threading
import time
from collections import Counter, defaultdict

import psycopg
import pytest
import requests

from deploy.cluster.cluster import APP_SERVERS, Cluster, answers, wait_for

REVIEWERS = 8
SENTENCES = 400
PHASE_SECONDS = 6  # each fault lasts this long (more than the connect timeout, 2 s)
SEED = """
import json
SENTENCES, REVIEWERS = %d, %d
from django.contrib.auth.models import Group, User
from rest_framework.authtoken.models import Token
from annotations.importing import import_article
from annotations.models import Project

project = Project.objects.get(slug="default")
body = " ".join(f"Claim number {i} says the rate rose {i} percent." for i in range(SENTENCES))
article = import_article(body=body, project=project, title="Cluster article").article
reviewers = Group.objects.get(name="reviewer")
tokens = []
for i in range(REVIEWERS):
    user = User.objects.create_user(f"reviewer{i}", password="cluster-password-1")
    user.groups.add(reviewers)
    tokens.append(Token.objects.create(user=user).key)
staff = User.objects.create_superuser("desk", password="cluster-password-1")
print(json.dumps({
    "article": article.pk,
    "sentences": list(article.sentences.order_by("position").values_list("pk", flat=True)),
    "tokens": tokens,
    "staff": Token.objects.create(user=staff).key,
}))
"""


@pytest.fixture(scope="module")
def cluster():
    cluster = Cluster()
    cluster.up()
    yield cluster
    logs = cluster.dir.parent / f"factcheck-cluster-{cluster.port}-logs"
    shutil.rmtree(logs, ignore_errors=True)
    shutil.copytree(cluster.dir, logs, ignore=lambda _, names: [
        name for name in names if not name.endswith(".log")
    ])
    print(f"Logs of the cluster: {logs}")
    cluster.down()


class Record:
    """What the clients saw, by thread-safe appends."""

    def __init__(self):
        self.lock = threading.Lock()
        self.saves = Counter()  # status (or error name) -> count
        self.acknowledged = {}  # (token, sentence) -> label last acknowledged
        self.pages = []  # (time, what, status, seconds)
        self.exports = []  # (time, outcome, detail)
        self.errors = []  # (time, what, status, detail): every answer that was not a success

    def add(self, kind, item):
        with self.lock:
            getattr(self, kind).append(item)


def reviewer(base, token, sentences, record, stop):
    session = requests.Session()
    session.headers["Authorization"] = f"Token {token}"
    while not stop.is_set():
        sentence = random.choice(sentences)
        label = random.choice(["verified", "disputed", "unclear"])
        # A save whose answer was lost is sent again until it is acknowledged: then the
        # label stored must be the one acknowledged last.
        while True:
            started = time.monotonic()
            try:
                response = session.put(f"{base}/api/sentences/{sentence}/annotation/",
                                       json={"label": label}, timeout=30)
                status, detail = response.status_code, response.text[:300]
            except requests.RequestException as error:
                status, detail = type(error).__name__, str(error)[:300]
            seconds = time.monotonic() - started
            record.add("pages", (time.monotonic(), "save", status, seconds))
            if status not in (200, 201):
                record.add("errors", (started, "save", status, detail))
            with record.lock:
                record.saves[status] += 1
                if status in (200, 201):
                    record.acknowledged[(token, sentence)] = label
            if status in (200, 201) or stop.is_set():
                break
            time.sleep(0.2)
        time.sleep(0.05)


def pages(cluster, token, article, record, stop):
    session = requests.Session()
    session.headers["Authorization"] = f"Token {token}"
    targets = [("healthz", f"{cluster.url}/healthz"),
               ("article", f"{cluster.url}/api/articles/{article}/")]
    while not stop.is_set():
        for what, url in targets:
            started = time.monotonic()
            try:
                response = session.get(url, timeout=30)
                status, detail = response.status_code, response.text[:300]
            except requests.RequestException as error:
                status, detail = type(error).__name__, str(error)[:300]
            seconds = time.monotonic() - started
            record.add("pages", (time.monotonic(), what, status, seconds))
            if status != 200 or seconds > 1:
                record.add("errors", (started, what, status, f"{seconds:.2f} s {detail}"))
        time.sleep(0.1)


def exports(cluster, token, record, stop):
    session = requests.Session()
    session.headers["Authorization"] = f"Token {token}"
    while not stop.is_set():
        started = time.monotonic()
        try:
            response = session.get(f"{cluster.url}/api/export/annotations/?format=jsonl",
                                   timeout=60, stream=True)
            if response.status_code == 503 and response.headers.get("Retry-After"):
                outcome, detail = "refused", response.json()["detail"]
            elif response.status_code == 200:
                rows = [json.loads(line) for line in response.iter_lines() if line]
                outcome = "complete"
                detail = f"{len(rows)} rows from the {response.headers['X-Export-Source']}"
            else:
                outcome, detail = "failed", f"{response.status_code} {response.text[:200]}"
        except requests.exceptions.ChunkedEncodingError as error:
            outcome, detail = "cut", str(error)[:200]  # its server died while it streamed
        except (requests.RequestException, ValueError) as error:
            outcome, detail = "failed", repr(error)[:200]
        record.add("exports", (started, outcome, detail))
        if outcome not in ("complete", "refused"):
            record.add("errors", (started, "export", outcome, detail))
        time.sleep(0.3)


def healthy(cluster, field):
    """Every app server says `field` is ok."""
    for server in APP_SERVERS:
        try:
            answer = requests.get(cluster.app_url(server) + "/healthz", timeout=2).json()
        except (requests.RequestException, ValueError):
            return False
        if answer.get(field) != "ok":
            return False
    return True


def recovery(condition):
    started = time.monotonic()
    wait_for(condition, "recovery", seconds=60)
    return round(time.monotonic() - started, 1)


def test_nothing_is_lost_and_everything_recovers_while_parts_fail(cluster):
    seed = json.loads(cluster.manage(
        "shell", "-v", "0", "-c", SEED % (SENTENCES, REVIEWERS)
    ).stdout)
    record, stop = Record(), threading.Event()
    threads = [
        threading.Thread(target=reviewer, args=(cluster.url, token, seed["sentences"],
                                                record, stop))
        for token in seed["tokens"]
    ] + [
        threading.Thread(target=pages, args=(cluster, seed["staff"], seed["article"],
                                             record, stop)),
        threading.Thread(target=exports, args=(cluster, seed["staff"], record, stop)),
        threading.Thread(target=exports, args=(cluster, seed["staff"], record, stop)),
    ]
    for thread in threads:
        thread.start()

    phases, recovered = {}, {}

    def phase(name, fault, repair, back):
        time.sleep(PHASE_SECONDS / 2)
        started = time.monotonic()
        fault()
        time.sleep(PHASE_SECONDS)
        repair()
        phases[name] = (started, time.monotonic())
        recovered[name] = recovery(back)

    try:
        phase("app server 1 killed and restarted",
              lambda: cluster.kill_app(1), lambda: cluster.start_app(1),
              lambda: answers(cluster.app_url(1) + "/healthz"))
        phase("replica stopped", cluster.stop_replica, cluster.start_replica,
              lambda: healthy(cluster, "replica"))
        phase("replica paused (SIGSTOP)", cluster.pause_replica, cluster.resume_replica,
              lambda: healthy(cluster, "replica"))
        phase("Redis restarted", cluster.stop_redis, cluster.start_redis,
              lambda: healthy(cluster, "cache"))
        time.sleep(PHASE_SECONDS / 2)
    finally:
        stop.set()
        for thread in threads:
            thread.join(120)

    with psycopg.connect(cluster.database_url()) as db:
        rows = db.execute("""
            SELECT t.key, a.sentence_id, a.label FROM annotations_annotation a
            JOIN authtoken_token t ON t.user_id = a.reviewer_id
        """).fetchall()
    stored = {(token, sentence): label for token, sentence, label in rows}
    drift = cluster.manage("rebuild_counts", "--check", check=False)

    exports_by = Counter(outcome for _, outcome, _ in record.exports)
    sources = Counter(detail.rsplit(" ", 1)[-1] for _, outcome, detail in record.exports
                      if outcome == "complete")
    # Under a second, unless the machine itself is slower than that without any fault (CI
    # shares its cores): then no slower than half as much again as the slowest answer
    # outside the faults. A page that waited on the paused replica would take the connect
    # timeout (2 s) or forever.
    def during_fault(moment):
        return any(start <= moment <= end for start, end in phases.values())

    calm = max(seconds for moment, _, _, seconds in record.pages if not during_fault(moment))
    limit = max(1.0, 1.5 * calm)
    slow = defaultdict(list)
    for moment, what, status, seconds in record.pages:
        for name, (start, end) in phases.items():
            if "replica" in name and start <= moment <= end and (
                status not in (200, 201) or seconds > limit
            ):
                slow[name].append((what, status, round(seconds, 2)))
    figures = {
        "saves by status": dict(record.saves),
        "labels acknowledged": len(record.acknowledged),
        "labels stored": len(rows),
        "pages and saves timed": len(record.pages),
        "slowest answer outside faults (s)": round(calm, 2),
        "slowest answer during replica faults (s)": round(max(
            seconds for moment, _, _, seconds in record.pages
            if any(start <= moment <= end for name, (start, end) in phases.items()
                   if "replica" in name)
        ), 2),
        "answers failed or over the limit during replica faults": {
            k: len(v) for k, v in slow.items()
        },
        "exports": dict(exports_by),
        "complete exports read from": dict(sources),
        "seconds to recover after each fault": recovered,
    }
    print("\n" + json.dumps(figures, indent=2))
    zero = min(start for start, _ in phases.values())
    for name, (start, end) in phases.items():
        print(f"{start - zero:6.1f} s to {end - zero:6.1f} s: {name}")
    seen = Counter()
    for moment, what, status, detail in sorted(record.errors):
        during = next((name for name, (start, end) in phases.items() if start <= moment <= end),
                      "no fault")
        seen[during, what, status] += 1
        if seen[during, what, status] <= 2:
            print(f"{moment - zero:6.1f} s {what} {status} during {during}: {detail[:160]!r}")
    print(json.dumps({" / ".join(map(str, key)): n for key, n in seen.items()}, indent=2))
    (cluster.dir.parent / f"factcheck-cluster-{cluster.port}-figures.json").write_text(
        json.dumps(figures, indent=2)
    )

    assert stored == record.acknowledged, "a label was lost, doubled or not the last saved"
    assert drift.returncode == 0, drift.stdout + drift.stderr
    assert set(record.saves) <= {200, 201}, record.saves
    assert not slow, slow
    failed = [e for e in record.exports if e[1] == "failed"]
    assert not failed, failed
    # An export is cut (the client sees its response end without the last chunk) only
    # when what serves it dies under it: its app server, or the replica stopped mid-query.
    cut = [e for e in record.exports if e[1] == "cut"]
    killing = [phases["app server 1 killed and restarted"], phases["replica stopped"]]
    assert all(any(start <= moment <= end for start, end in killing) for moment, *_ in cut), cut
    assert exports_by["complete"] > 0 and sources.get("replica", 0) > 0
    last = max(moment for moment, *_ in record.exports)
    assert any(outcome == "complete" and detail.endswith("replica") and moment > phases[
        "replica paused (SIGSTOP)"][1] for moment, outcome, detail in record.exports) or (
        last < phases["replica paused (SIGSTOP)"][1]
    ), "exports never came back to the replica"
