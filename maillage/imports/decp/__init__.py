"""French public procurement data (DECP): the parser (no Django) and the import."""
