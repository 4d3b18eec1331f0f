/**
 * The function catalogue of flowmock's expression language: what GetExpressionFunctions lists and
 * what the parser checks a call against (name, argument count, argument types). Argument types are
 * the vendor's ExpressionFunctionArguments types; `returns` is flowmock's own (the vendor model has
 * no result type), used to check a call's result where it is an argument or an operand.
 */

export type ArgumentType =
  | 'notSpecified' | 'period' | 'date' | 'time' | 'dateTime' | 'number' | 'text' | 'boolean' | 'pattern'
  | 'datePattern' | 'timePattern' | 'dateTimePattern' | 'textWithExtendedCharacters' | 'regEx'
  | 'regExSubstitution' | 'locale' | 'durationPattern' | 'decimalPattern';

/** The type of a value in an expression as far as the parser can know it; `unknown` for a field reference or null. */
export type ValueType = 'number' | 'text' | 'boolean' | 'date' | 'time' | 'dateTime' | 'unknown';

export interface FunctionArgument {
  type: ArgumentType;
  name: string;
  /** Optional arguments come last; the repeated argument of a varargs function is optional too. */
  optional: boolean;
  defaultValue?: string;
}

export interface FunctionInfo {
  name: string;
  description: string;
  categories: string[];
  /** The last argument may be given any number of times (zero included). */
  varargs: boolean;
  arguments: FunctionArgument[];
  returns: ValueType;
}

const arg = (type: ArgumentType, name: string, optional = false, defaultValue?: string): FunctionArgument =>
  ({ type, name, optional, ...(defaultValue !== undefined ? { defaultValue } : {}) });

const fn = (name: string, categories: string[], returns: ValueType, description: string, args: FunctionArgument[], varargs = false): FunctionInfo =>
  ({ name, description, categories, varargs, arguments: args, returns });

/** Every function of the language, in name order. */
export const EXPRESSION_FUNCTIONS: readonly FunctionInfo[] = Object.freeze([
  fn('abs', ['number'], 'number', 'The absolute value of a number.', [arg('number', 'value')]),
  fn('addDays', ['date'], 'date', 'The date a number of days (negative: earlier) after a date.', [arg('date', 'value'), arg('number', 'days')]),
  fn('addPeriod', ['date'], 'dateTime', 'The date-time an ISO-8601 period (P1Y2M3DT4H) after a date-time.', [arg('dateTime', 'value'), arg('period', 'period')]),
  fn('ceiling', ['number'], 'number', 'The smallest integer not below a number.', [arg('number', 'value')]),
  fn('coalesce', ['logical'], 'unknown', 'The first of its arguments that is not empty.', [arg('notSpecified', 'value'), arg('notSpecified', 'more', true)], true),
  fn('concat', ['text'], 'text', 'Its arguments joined as text.', [arg('text', 'value'), arg('text', 'more', true)], true),
  fn('contains', ['text'], 'boolean', 'Whether a text contains another (case-sensitive).', [arg('text', 'value'), arg('text', 'part')]),
  fn('day', ['date'], 'number', 'The day of the month (1-31) of a date.', [arg('date', 'value')]),
  fn('endsWith', ['text'], 'boolean', 'Whether a text ends with another.', [arg('text', 'value'), arg('text', 'suffix')]),
  fn('floor', ['number'], 'number', 'The largest integer not above a number.', [arg('number', 'value')]),
  fn('formatDate', ['date', 'conversion'], 'text', 'A date-time as text by a Java-style pattern (as GetFormattedValue formats) in a locale.', [arg('dateTime', 'value'), arg('dateTimePattern', 'pattern'), arg('locale', 'locale', true, 'en')]),
  fn('formatNumber', ['number', 'conversion'], 'text', 'A number as text by a Java-style decimal pattern (as GetFormattedValue formats) in a locale.', [arg('number', 'value'), arg('decimalPattern', 'pattern'), arg('locale', 'locale', true, 'en')]),
  fn('if', ['logical'], 'unknown', 'Its second argument when the condition is true, else its third.', [arg('boolean', 'condition'), arg('notSpecified', 'then'), arg('notSpecified', 'else')]),
  fn('isEmpty', ['logical'], 'boolean', 'Whether a value is null or text of only white space.', [arg('notSpecified', 'value')]),
  fn('length', ['text'], 'number', 'The number of characters of a text.', [arg('text', 'value')]),
  fn('lower', ['text'], 'text', 'A text in lower case.', [arg('text', 'value')]),
  fn('matches', ['text'], 'boolean', 'Whether a text matches a regular expression as a whole.', [arg('text', 'value'), arg('regEx', 'pattern')]),
  fn('max', ['number'], 'number', 'The largest of its arguments.', [arg('number', 'value'), arg('number', 'more', true)], true),
  fn('min', ['number'], 'number', 'The smallest of its arguments.', [arg('number', 'value'), arg('number', 'more', true)], true),
  fn('month', ['date'], 'number', 'The month (1-12) of a date.', [arg('date', 'value')]),
  fn('now', ['date'], 'dateTime', 'The current date-time (the server clock).', []),
  fn('parseDate', ['date', 'conversion'], 'date', 'A date read from a text by a Java-style date pattern.', [arg('text', 'value'), arg('datePattern', 'pattern')]),
  fn('replace', ['text'], 'text', 'A text with every match of a regular expression replaced ($1 names a group).', [arg('text', 'value'), arg('regEx', 'pattern'), arg('regExSubstitution', 'replacement')]),
  fn('round', ['number'], 'number', 'A number rounded half up to a number of decimals.', [arg('number', 'value'), arg('number', 'decimals', true, '0')]),
  fn('startsWith', ['text'], 'boolean', 'Whether a text starts with another.', [arg('text', 'value'), arg('text', 'prefix')]),
  fn('substring', ['text'], 'text', 'Part of a text: from a 1-based start, a number of characters (default: to the end).', [arg('text', 'value'), arg('number', 'start'), arg('number', 'length', true)]),
  fn('sum', ['number'], 'number', 'The sum of its arguments.', [arg('number', 'value'), arg('number', 'more', true)], true),
  fn('today', ['date'], 'date', 'The current date (the server clock, UTC).', []),
  fn('toNumber', ['conversion'], 'number', 'A number read from a text (a dot for decimals).', [arg('text', 'value')]),
  fn('toText', ['conversion'], 'text', 'Any value as text.', [arg('notSpecified', 'value')]),
  fn('trim', ['text'], 'text', 'A text without leading and trailing white space.', [arg('text', 'value')]),
  fn('upper', ['text'], 'text', 'A text in upper case.', [arg('text', 'value')]),
  fn('year', ['date'], 'number', 'The year of a date.', [arg('date', 'value')]),
].map((f) => Object.freeze(f)));

/** The function of that name (names compare case-insensitively), or undefined. */
export function findFunction(name: string): FunctionInfo | undefined {
  const lower = name.toLowerCase();
  return EXPRESSION_FUNCTIONS.find((f) => f.name.toLowerCase() === lower);
}

/** Fewest and most arguments a call takes (`Infinity` for varargs). */
export function arity(f: FunctionInfo): { min: number; max: number } {
  return { min: f.arguments.filter((a) => !a.optional).length, max: f.varargs ? Infinity : f.arguments.length };
}

/** The argument a call's i-th value fills (the repeated last one for varargs), or undefined past the end. */
export function argumentAt(f: FunctionInfo, i: number): FunctionArgument | undefined {
  if (i < f.arguments.length) return f.arguments[i];
  return f.varargs ? f.arguments[f.arguments.length - 1] : undefined;
}
