from graphkit.datasets.asymproj import load_asymproj  # noqa: F401
