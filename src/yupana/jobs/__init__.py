"""Background work: the job queue (huey), the worker that runs it and the reconciler."""
