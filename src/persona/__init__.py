"""Persona Studio: script → talking-avatar video, offline on a CPU."""

__version__ = "0.1.0"
