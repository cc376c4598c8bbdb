"""Jupyter notebooks as source: their code cells as the one module the kernel
runs, and changed cells written back (``engine`` lints and fixes that module
and maps positions back to cells).

    magics  IPython syntax (``%magic``, ``%%cell``, ``!shell``) to Python
            that keeps every line where it was
    read    ``.ipynb`` bytes to a ``NotebookModule`` (nbformat), or a clear error
    write   new cell sources into the notebook, all else kept

The code cells are analysed together, in order, because that is how the
kernel runs them: a cell's helper (``init_matrix``) or import is usually
defined in an earlier cell, and a weight created in one cell is used by the
step function in another.
"""
