"""Serve the few files we use from npm packages, straight out of node_modules.

package.json and its lock file pin the packages; nothing third-party is copied
into the repository and nothing is fetched from a CDN. Only the files listed
here are exposed (as /static/vendor/<path>), so collectstatic does not copy
whole packages.
"""

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import Error
from django.core.files.storage import FileSystemStorage

PREFIX = "vendor"
NPM_FILES = [
    "htmx.org/dist/htmx.min.js",
    "echarts/dist/echarts.min.js",
]


class NpmFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        self.root = settings.NODE_MODULES_DIR
        self.storage = FileSystemStorage(location=str(self.root))
        self.storage.prefix = PREFIX

    def check(self, **kwargs):
        missing = [path for path in NPM_FILES if not (self.root / path).is_file()]
        if missing:
            return [
                Error(
                    f"前端依赖缺失：{', '.join(missing)}",
                    hint="请先运行 npm ci（make run 与 make test 会自动运行）。",
                    id="pingyi.E001",
                )
            ]
        return []

    def find(self, path, find_all=False, **kwargs):
        source = path.removeprefix(PREFIX + "/")
        if path.startswith(PREFIX + "/") and source in NPM_FILES and (self.root / source).is_file():
            found = str(self.root / source)
            return [found] if find_all else found
        return [] if find_all else None

    def list(self, ignore_patterns):
        for path in NPM_FILES:
            if (self.root / path).is_file():
                yield path, self.storage
