"""The admin site: Django's, with the staff's review dashboard at /admin/dashboard/.

`factcheck.apps.AdminConfig` makes this the default site, so that `admin.site` (and every
`@admin.register`) is this one.
"""

from django import forms
from django.contrib import admin
from django.shortcuts import render
from django.urls import path

from .charts import bars, stacked
from .dashboard import DashboardFilters, dashboard
from .models import Label, Project


class DashboardForm(forms.Form):
    project = forms.SlugField(required=False)
    article = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    since = forms.DateField(required=False)
    until = forms.DateField(required=False)

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            raise forms.ValidationError("The period must start before it ends.")
        if since and until and (until - since).days > 366:
            raise forms.ValidationError("Choose a period of at most a year.")
        return cleaned


class WorkbenchAdminSite(admin.AdminSite):
    def get_urls(self):
        return [
            path("dashboard/", self.admin_view(self.dashboard_view), name="dashboard"),
            *super().get_urls(),
        ]

    def dashboard_view(self, request):
        """The review dashboard, in the admin's look; its figures come from `dashboard`."""
        form = DashboardForm(request.GET or None)
        error = ""
        filters = DashboardFilters()
        if form.is_bound:
            if form.is_valid():
                filters = DashboardFilters(**form.cleaned_data)
            else:
                error = " ".join(message for errors in form.errors.values() for message in errors)
        figures = dashboard(filters)
        for article in figures["slowest"]:
            article["mix"] = stacked(article["labels"])
        for reviewer in figures["reviewers"]:
            reviewer["bars"] = bars(reviewer["daily"], figures["days"], width=120, height=24)
        for sentence in figures["split_sentences"]:
            sentence.counts = [
                {"label": label, "count": getattr(sentence, f"{label}_count")}
                for label in Label.values
            ]
        return render(
            request,
            "admin/dashboard.html",
            {
                **self.each_context(request),
                "title": "Review dashboard",
                "d": figures,
                "mix": stacked(figures["overall"]["labels"]),
                "daily": bars(figures["daily"], figures["days"], width=600, height=120),
                "daily_peak": max(figures["daily"], default=0),
                "daily_total": sum(figures["daily"]),
                "reviewers": figures["reviewers"],
                "split_sentences": figures["split_sentences"],
                "projects": Project.objects.order_by("name"),
                "form": {"project": filters.project or "", "article": filters.article},
                "error": error,
            },
        )
