"""Command-line interface (filled in with the pipeline)."""


def main() -> int:
    return 0
