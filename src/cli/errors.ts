/** A command's expected failure: printed as one line (`flowmock: <message>`), exit code 1. */
export class CliError extends Error {}
