"""Pure computations shared by every mechanism. Nothing in this package imports Django."""

__all__: list[str] = []
