"""`python -m integration_gateway`: run the service."""

from pasc_runtime.serve import serve

from integration_gateway.bootstrap import build_app
from integration_gateway.settings import Settings

if __name__ == "__main__":
    serve(build_app, Settings())
