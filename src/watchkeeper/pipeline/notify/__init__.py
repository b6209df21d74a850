"""Pipeline stage 4: pages become notifications per contact rules, delivered through channels."""
