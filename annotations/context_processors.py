from .access import can_import, can_read_stats, is_adjudicator


def roles(request):
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return {
        "is_adjudicator": signed_in and is_adjudicator(user),
        # Asked only by the pages that show them (templates call what they are given).
        "can_import": lambda: signed_in and can_import(user),
        "can_read_stats": lambda: signed_in and can_read_stats(user),
    }
