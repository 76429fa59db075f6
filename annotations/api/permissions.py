from rest_framework.permissions import SAFE_METHODS, BasePermission

from ..access import can_export, is_adjudicator, is_reviewer


class IsReviewer(BasePermission):
    """Reviewers, adjudicators and staff."""

    message = "You need the reviewer or adjudicator role."

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and is_reviewer(request.user))


class IsReviewerToReadStaffToWrite(IsReviewer):
    message = "Only staff may do this."

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return super().has_permission(request, view)
        return bool(request.user and request.user.is_active and request.user.is_staff)


class CanExport(BasePermission):
    """Staff, or users holding the permission annotations.export_dataset."""

    message = "Export needs staff status or the permission annotations.export_dataset."

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and can_export(request.user))


class IsAdjudicator(BasePermission):
    message = "Only adjudicators may set verdicts."

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and is_adjudicator(user))
