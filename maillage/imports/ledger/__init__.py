"""Purchase ledgers of large buyers (CSV, XLSX) → supply relations and purchase lines."""
