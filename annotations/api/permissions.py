"""DRF's doors onto the rules in `access`: each class asks one access function."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from ..access import (
    can_create_projects,
    can_export,
    can_import,
    can_read_stats,
    is_adjudicator,
    is_reviewer,
)


def _allowed(request, rule):
    user = request.user
    return bool(user and user.is_authenticated and rule(user))


class IsReviewer(BasePermission):
    """Reviewers and adjudicators."""

    message = "You need the reviewer or adjudicator role."

    def has_permission(self, request, view):
        return _allowed(request, is_reviewer)


class ReviewerToRead(IsReviewer):
    """Reading needs a role; writing needs `write_rule`."""

    write_rule = None

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return super().has_permission(request, view)
        self.message = self.write_message
        return _allowed(request, type(self).write_rule)


class ReviewerToReadCreatorToWrite(ReviewerToRead):
    write_rule = can_create_projects
    write_message = "Creating a project needs the permission annotations.add_project."


class ReviewerToReadImporterToWrite(ReviewerToRead):
    write_rule = can_import
    write_message = "Importing needs the permission annotations.add_article."


class CanExport(BasePermission):
    message = "Export needs the permission annotations.export_dataset."

    def has_permission(self, request, view):
        return _allowed(request, can_export)


class CanReadStats(BasePermission):
    message = "The statistics need the permission annotations.view_annotation."

    def has_permission(self, request, view):
        return _allowed(request, can_read_stats)


class IsAdjudicator(BasePermission):
    message = "Only adjudicators may set verdicts."

    def has_permission(self, request, view):
        return _allowed(request, is_adjudicator)
