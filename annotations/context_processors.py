from .access import is_adjudicator


def roles(request):
    user = getattr(request, "user", None)
    return {"is_adjudicator": bool(user and user.is_authenticated and is_adjudicator(user))}
