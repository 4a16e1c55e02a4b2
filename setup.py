"""Build hook: every wheel holds exactly the policy in the checkout.

setuptools copies packages into an in-tree `build/lib` and reuses it on the next build, so a
`.lp` file deleted between two `pip install .` runs would still ship and keep deciding outcomes.
Our packages' part of that folder is emptied before each build (metadata stays in pyproject.toml).
"""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class build_py_fresh(build_py):
    def run(self):
        stale = Path(self.build_lib) / "wfikb"
        if not getattr(self, "editable_mode", False) and stale.resolve() != (Path(__file__).parent / "wfikb").resolve():
            shutil.rmtree(stale, ignore_errors=True)
        super().run()


setup(cmdclass={"build_py": build_py_fresh})
