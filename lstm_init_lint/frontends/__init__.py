"""The ways in: the command line (``cli``, with its one argument parser in
``arguments``), standard input for editors (``stdin``), and the flake8
plugin (``flake8_plugin``). Each is a thin shell around ``engine`` and ``run``."""
