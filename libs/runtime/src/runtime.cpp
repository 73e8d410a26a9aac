// Placeholder: implemented by the lead.
