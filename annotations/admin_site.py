"""The admin site: Django's, with the staff's review dashboard at /admin/dashboard/.

`factcheck.apps.AdminConfig` makes this the default site, so that `admin.site` (and every
`@admin.register`) is this one.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR

from .access import can_read_stats
from .charts import bar_rects, bars, heat_map, stacked
from .dashboard import DashboardFilters, InvalidFilters, dashboard, period_of
from .evaluation import EvaluationFilters, models_section
from .models import Article, Label, Project


class DashboardForm(forms.Form):
    # Labels as on the page, so that an error names the field the person filled in.
    project = forms.SlugField(
        required=False, label="Project", max_length=Project._meta.get_field("slug").max_length
    )
    article = forms.IntegerField(
        required=False, label="Article id", min_value=1, max_value=2**63 - 1
    )
    since = forms.DateField(required=False, label="From")
    until = forms.DateField(required=False, label="To")

    def error_text(self):
        return " ".join(
            f"{self.fields[name].label}: {message}" if name in self.fields else message
            for name, messages in self.errors.items()
            for message in messages
        )

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            try:
                period_of(DashboardFilters(**cleaned))
            except InvalidFilters as error:
                raise forms.ValidationError(str(error)) from None
        return cleaned


class WorkbenchAdminSite(admin.AdminSite):
    def login(self, request, extra_context=None):
        """One sign-in page for the whole site: the workbench's own, which says how many
        attempts are left before a lockout and is throttled like every sign-in."""
        return redirect_to_login(request.GET.get("next") or reverse("admin:index"))

    def get_urls(self):
        return [
            path("dashboard/", self.admin_view(self.dashboard_view), name="dashboard"),
            path("dashboard/models/", self.admin_view(self.dashboard_models_view),
                 name="dashboard_models"),
            *super().get_urls(),
        ]

    def dashboard_view(self, request):
        """The review dashboard, in the admin's look; its figures come from `dashboard`.
        Filters it cannot use: 400, the reason, and the figures without filters."""
        filters, error = _filters(request)
        figures = dashboard(filters)
        for article in figures["slowest"]:
            article["mix"] = stacked(article["labels"])
        days = day_titles(figures["days"])
        for reviewer in figures["reviewers"]:
            reviewer["bars"] = bar_rects(bars(reviewer["daily"], days, width=120, height=24))
        for sentence in figures["split_sentences"]:
            sentence.counts = [
                {"label": label, "count": getattr(sentence, f"{label}_count")}
                for label in Label.values
            ]
        daily_titles = day_titles(figures["days"], weekday=True)
        return render(
            request,
            "admin/dashboard.html",
            {
                **self.each_context(request),
                "title": "Review dashboard",
                "d": figures,
                "mix": stacked(figures["overall"]["labels"]),
                "daily": bar_rects(bars(figures["daily"], daily_titles, width=600, height=120)),
                # The chart's text alternative: the days with labels, as a table.
                "daily_rows": [
                    (title, count)
                    for title, count in zip(daily_titles, figures["daily"], strict=True)
                    if count
                ],
                "daily_peak": max(figures["daily"], default=0),
                "daily_total": sum(figures["daily"]),
                "reviewers": figures["reviewers"],
                "split_sentences": figures["split_sentences"],
                "projects": Project.objects.order_by("name"),
                "form": {"project": filters.project or "", "article": filters.article},
                "error": error,
            },
            status=400 if error else 200,
        )


    def dashboard_models_view(self, request):
        """The dashboard's Models section alone, for the same filters. The page fetches it
        once shown: evaluating a million predictions takes seconds, the rest of the page
        milliseconds."""
        filters, error = _filters(request)
        if error:
            return HttpResponseBadRequest(error, content_type="text/plain; charset=utf-8")
        return render(request, "admin/_dashboard_models.html",
                      {"section": dashboard_models(filters)})


def _filters(request):
    """The dashboard's filters from the query string, and the error text ("" if none;
    then the filters are the defaults). Refuses anyone who may not read the figures."""
    if not can_read_stats(request.user):
        raise PermissionDenied
    form = DashboardForm(request.GET or None)
    if not form.is_bound:
        return DashboardFilters(), ""
    if form.is_valid():
        return DashboardFilters(**form.cleaned_data), ""
    return DashboardFilters(), form.error_text()


def dashboard_models(filters):
    """The Models section for the dashboard's project and article filters."""
    section = models_section(EvaluationFilters(
        project=filters.project,
        articles=Article.objects.filter(pk=filters.article) if filters.article else None,
    ))
    section["models"] = [
        {
            "model": model,
            "evaluations": [
                {**result, "heat_map": heat_map(result["confusion"])}
                for result in by_reference.values()
            ],
        }
        for model, by_reference in section["models"]
    ]
    return section


def day_titles(days, weekday=False):
    """The days as the date filter writes them with "j M" ("D j M" with `weekday`), e.g.
    "Tue 10 Mar": a year of bars' titles, the same few names translated once rather than
    formatted day by day (which took longer than the rest of the page)."""
    months = {month: str(name).title() for month, name in MONTHS_3.items()}
    weekdays = {number: str(name) for number, name in WEEKDAYS_ABBR.items()}
    return [
        f"{weekdays[day.weekday()]} {day.day} {months[day.month]}" if weekday
        else f"{day.day} {months[day.month]}"
        for day in days
    ]
