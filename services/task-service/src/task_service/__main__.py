"""`python -m task_service`: run the service."""

from pasc_runtime.serve import serve
from task_service.bootstrap import build_app
from task_service.settings import Settings

if __name__ == "__main__":
    serve(build_app, Settings())
