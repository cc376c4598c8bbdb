from .plain import run

run()
