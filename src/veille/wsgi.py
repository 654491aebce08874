"""WSGI entry point (gunicorn veille.wsgi:application). A wrong setting stops start-up with the
variable's name and the expected form, not a traceback."""

import os
import sys

from django.core.wsgi import get_wsgi_application

from veille.core.env import SettingError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "veille.settings")
try:
    application = get_wsgi_application()
except SettingError as exc:
    print(f"veille: configuration error: {exc}", file=sys.stderr)
    raise SystemExit(2) from None
