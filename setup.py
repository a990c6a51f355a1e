"""Install graphkit: the top-level folders map to one import name, ``graphkit``."""

from setuptools import setup

PACKAGE_DIRS = {
    "graphkit": "graphkit",
    "graphkit.distributed": "distributed",
    "graphkit.launch": "launch",
    "graphkit.datasets": "datasets",
    "graphkit.extras": "extras",
}


def find_subpackages() -> dict:
    """Map every sub-folder holding an ``__init__.py`` to its dotted name."""
    import os

    mapping = dict(PACKAGE_DIRS)
    for name, folder in PACKAGE_DIRS.items():
        for root, _dirs, files in os.walk(folder):
            if "__init__.py" in files and root != folder:
                rel = os.path.relpath(root, folder).replace(os.sep, ".")
                mapping[f"{name}.{rel}"] = root
    return mapping


package_dir = find_subpackages()

setup(
    name="graphkit",
    version="0.1.0",
    description="Distributed full-batch graph learning on PyTorch and PyG",
    python_requires=">=3.10",
    packages=sorted(package_dir),
    package_dir=package_dir,
    install_requires=[
        "torch>=2.3,<2.14",
        "torch-geometric>=2.5",
        "ogb>=1.3",
        "networkx",
        "pymetis",
        "numpy",
        "scipy",
        "pyyaml",
        "tqdm",
        "matplotlib",
        "scikit-learn",
        "scikit-image",
    ],
    extras_require={
        "dev": ["pytest>=7", "pytest-timeout", "ruff", "vermin"],
        "mpi": ["mpi4py", "mpich"],
        "scatter": ["torch-scatter"],
    },
    entry_points={"console_scripts": ["graphkit=graphkit.launch.cli:run"]},
)
