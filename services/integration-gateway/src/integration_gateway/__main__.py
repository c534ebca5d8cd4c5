"""`python -m integration_gateway`: run the service."""

from integration_gateway.bootstrap import build_app
from integration_gateway.settings import Settings
from pasc_runtime.serve import serve

if __name__ == "__main__":
    serve(build_app, Settings())
