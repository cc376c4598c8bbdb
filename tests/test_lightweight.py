"""The lint path never imports TensorFlow, Keras or NumPy, and never runs
the code it reads."""

from __future__ import annotations

import subprocess
import sys

from fixture_format import FIXTURES


def test_importing_the_cli_and_linting_a_directory_imports_no_tensorflow():
    code = (
        "import sys\n"
        "from lstm_init_lint.cli import main\n"
        f"code = main([{str(FIXTURES)!r}])\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras', 'tf_keras', 'numpy', 'torch'))\n"
        "print(code, heavy)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "1 []"


def test_linting_runs_none_of_the_code(tmp_path):
    marker = tmp_path / "ran"
    (tmp_path / "side_effects.py").write_text(
        "import sys\n"
        f"open({str(marker)!r}, 'w').write('ran')\n"
        "sys.exit(3)\n"
        "import tensorflow as tf\n"
        "W = tf.Variable(tf.random.normal([4, 4], stddev=0.1))\n"
    )
    from lstm_init_lint.cli import main

    assert main([str(tmp_path)]) == 0
    assert not marker.exists()
