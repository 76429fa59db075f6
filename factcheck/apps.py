from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """Django's admin, on the workbench's site (the dashboard hangs off it)."""

    default_site = "annotations.admin_site.WorkbenchAdminSite"
