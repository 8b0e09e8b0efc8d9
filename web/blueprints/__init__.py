"""One blueprint per area: citizen, department, press, admin, api, auth."""
