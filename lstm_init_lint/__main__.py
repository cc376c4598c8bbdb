from .frontends.start import run

run()
