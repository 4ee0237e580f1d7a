"""Pure parsers that turn what employers write into comparable fields. No Django import here: the same
code runs in the web app, the CLI and the tests."""
