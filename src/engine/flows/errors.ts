/**
 * Errors the flow engine throws. They carry what a caller needs to build an answer
 * (kind, pointer, rule, message) but no HTTP status: mapping them is the HTTP layer's job.
 */

/** One broken rule, pointing at the offending part of the input (JSON pointer style). */
export interface InputProblem {
  pointer: string;
  rule: string;
  message: string;
}

/** The request body does not fit the flow's input kind. */
export class InputError extends Error implements InputProblem {
  readonly kind: 'invalid' | 'unsupportedMediaType';
  readonly pointer: string;
  readonly rule: string;

  constructor(init: { kind: 'invalid' | 'unsupportedMediaType'; pointer: string; rule: string; message: string }) {
    super(init.message);
    this.name = 'InputError';
    this.kind = init.kind;
    this.pointer = init.pointer;
    this.rule = init.rule;
  }
}

/** The execution is not in a state that allows the operation (or does not exist). */
export class FlowStateError extends Error {
  readonly kind: 'conflict' | 'notFound';

  constructor(kind: 'conflict' | 'notFound', message: string) {
    super(message);
    this.name = 'FlowStateError';
    this.kind = kind;
  }
}

/** Form values posted to a UserInput execution broke the step's schema; one problem per field. */
export class FlowInputValidationError extends Error {
  readonly problems: InputProblem[];

  constructor(problems: InputProblem[]) {
    super(problems.map((p) => p.message).join('; ') || 'The form values are not valid');
    this.name = 'FlowInputValidationError';
    this.problems = problems;
  }
}
