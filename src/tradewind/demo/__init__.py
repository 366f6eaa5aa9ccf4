"""The demo store: a believable cross-border brand built by ``tradewind demo``."""

from tradewind.demo.builder import DemoError, DemoResult, build_demo

__all__ = ["DemoError", "DemoResult", "build_demo"]
