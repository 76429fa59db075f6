"""Server time of the article page and its API for a long article, on one database.

    .venv/bin/python bench/article_page.py sqlite|postgres [--sentences 300] [--runs 50]

Imports one article of N sentences, gives it labels from three reviewers, and times
the page as a reviewer and an adjudicator see it (Django's test client: server time
with no network), printing the median and 95th percentile.
"""

import argparse
import statistics
import time

from throwaway import throwaway_database


def timed(client, path, runs):
    client.get(path, secure=True)  # warm up
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(path, secure=True)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", choices=["sqlite", "postgres"])
    parser.add_argument("--sentences", type=int, default=300)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    with throwaway_database(args.database):
        from django.contrib.auth.models import Group, User
        from django.test import Client

        from annotations.importing import import_article
        from annotations.models import Annotation

        body = "\n".join(
            f"Paragraph {p} opens with claim {p}. It adds a figure of {p}.5%. Mr. Doe disagrees."
            for p in range(args.sentences // 3)
        )
        article = import_article(body=body).article
        reviewers = [User.objects.create_user(f"r{i}") for i in range(3)]
        reviewer_group = Group.objects.get(name="reviewer")
        for user in reviewers:
            user.groups.add(reviewer_group)
        adjudicator = User.objects.create_user("adj")
        adjudicator.groups.add(Group.objects.get(name="adjudicator"))
        Annotation.objects.bulk_create(
            Annotation(sentence=s, reviewer=u, label=["verified", "disputed", "unclear"][i % 3])
            for s in article.sentences.all()
            for i, u in enumerate(reviewers)
        )
        count = article.sentences.count()
        for who in (reviewers[0], adjudicator):
            client = Client(HTTP_HOST="localhost")
            client.force_login(who)
            for name, path in (
                ("page", f"/articles/{article.pk}/"),
                ("api ", f"/api/articles/{article.pk}/"),
            ):
                median, p95 = timed(client, path, args.runs)
                print(
                    f"{args.database}: {name} {count} sentences as {who.username:>3}: "
                    f"median {median:.1f} ms, p95 {p95:.1f} ms"
                )


if __name__ == "__main__":
    main()
