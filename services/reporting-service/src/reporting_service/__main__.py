"""`python -m reporting_service`: run the service."""

from pasc_runtime.serve import serve
from reporting_service.bootstrap import build_app
from reporting_service.settings import Settings

if __name__ == "__main__":
    serve(build_app, Settings())
