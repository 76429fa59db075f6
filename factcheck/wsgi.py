import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
# Serving the web: statements are bounded by DATABASE_STATEMENT_TIMEOUT (settings.py).
os.environ.setdefault("FACTCHECK_WEB", "true")
application = get_wsgi_application()
