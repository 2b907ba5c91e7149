"""The command line: one parser (`main`) and one module per command group."""
