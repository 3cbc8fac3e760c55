"""Every write on cases: keyword-only functions, one transaction each, recording who acted.

Grouped by subject in the modules of this package; import from the module
(`from applications.actions.registration import register_application`)."""
