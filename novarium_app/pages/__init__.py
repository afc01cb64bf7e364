"""The Lab's pages, one module each."""
