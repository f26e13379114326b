"""One module per page kind. Page objects act through locators from YAML; parsers are pure."""
