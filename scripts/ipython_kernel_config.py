# IPython kernel configuration of the course's venv (the Makefile copies it to
# .venv/etc/ipython/): it applies to the kernels that execute the chapters.
c = get_config()  # noqa: F821 (provided by IPython when it loads this file)

# ipykernel >= 7 logs "Kernel is running over TCP without encryption" at every kernel
# start (jupyter-cache and myst-nb start kernels over TCP, with no way to ask for IPC).
c.IPKernelApp.log_level = "ERROR"

# Garbage collection: JAX tracing and matplotlib drawing allocate millions of
# short-lived objects next to the million long-lived ones that JAX, Keras and
# matplotlib create on import. A collection every 700 net allocations (Python's
# default) then spends about a CPU-second per chapter scanning; every 50 000, a
# quarter of that. At exit, freezing the live objects skips the interpreter's final
# scan for reference cycles in memory the ending process gives back anyway.
c.IPKernelApp.exec_lines = [
    "import atexit, gc; gc.set_threshold(50_000, 20, 20); atexit.register(gc.freeze)",
]
