"""`python -m catalog_service`: run the service."""

from catalog_service.bootstrap import build_app
from catalog_service.settings import Settings
from pasc_runtime.serve import serve

if __name__ == "__main__":
    serve(build_app, Settings())
