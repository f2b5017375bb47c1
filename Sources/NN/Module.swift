// Placeholder until this target is filled in.
