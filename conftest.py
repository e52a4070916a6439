import os

# Playwright's sync API runs an event loop in the test thread; Django's ORM would
# otherwise refuse to be called from the browser tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
