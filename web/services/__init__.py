"""Web service layer: the only place web views get data from (besides other areas' services)."""
