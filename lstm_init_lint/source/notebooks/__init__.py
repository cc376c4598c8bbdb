"""Jupyter notebooks: their code cells linted as the one module the kernel
runs, positions mapped back to cells, and changed cells written back.

    magics  IPython syntax (``%magic``, ``%%cell``, ``!shell``) to Python
            that keeps every line where it was
    read    ``.ipynb`` bytes to a ``NotebookModule`` (nbformat), or a clear error
    lint    the module through the one detector, findings back to cells
    write   new cell sources into the notebook, all else kept

The code cells are analysed together, in order, because that is how the
kernel runs them: a cell's helper (``init_matrix``) or import is usually
defined in an earlier cell, and a weight created in one cell is used by the
step function in another.
"""
