"""vhpdf — Vollzugshilfeersuchen (NRW): generate, fill, extract and check the PDF form."""

__version__ = "0.1.0"
