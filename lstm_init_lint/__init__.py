"""lstm-init-lint: find hand-written LSTM / GRU cells whose weights start
unlike the framework's own cells, and say why it matters.

The pipeline, one folder per stage (README: Architecture):

    knowledge  the reference cells and what each API call means, as data
    source     bytes -> libcst module (or a clear error), notebooks included
    analysis   module -> weights of recurrent cells, with their roles
    rules      a weight -> a finding, one small module per rule
    fix        findings -> edits, applied until nothing changes
    engine     the pure core: lint_source(), fix_source()
    run        paths -> results: discovery, config, cache, pre-filter, runner
    output     results -> text, JSON, SARIF, GitHub, statistics
    verify     TensorFlow's check of the weights
    cli, plain, stdin, flake8_plugin   the front ends

Importing this package imports nothing heavy; libcst is imported by the
first file that needs parsing, and TensorFlow never on the lint path.
"""

__version__ = "0.1.0"
