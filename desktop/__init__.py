"""motcua desktop client: the local register, the Qt UI and the command line."""

__version__ = "0.1.0"
