"""lstm-init-lint: find hand-written LSTM / GRU cells whose weights start
unlike the framework's own cells, and say why it matters.

The pipeline, one module (or package) per stage:

    discover   paths -> files
    runner     files -> results: the cache, the prefilter, the processes
    parse      bytes -> libcst module (or a clear error)
    analysis   module -> weights of recurrent cells, with their roles
    rules      a weight -> a finding, one small module per rule
    report     findings -> text / JSON
    api        the pure entry points: lint_source(), lint_paths()
    cli        the command line

Importing this package imports nothing heavy; libcst is imported by the
first file that needs parsing, and TensorFlow never on the lint path.
"""

__version__ = "0.1.0"
