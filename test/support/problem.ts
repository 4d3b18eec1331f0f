/** The one problem+json assertion of the HTTP tests. */
import { expect } from 'vitest';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: Array<{ in: string; pointer: string; rule?: string; message: string }>;
}

export interface ProblemExpectation {
  /** Contained in (string) or matched by (RegExp) the detail. */
  detail?: string | RegExp;
  /** The first named field (`errors[0]`) matches this. */
  field?: { in: string; pointer: string; rule?: string };
}

/**
 * Asserts an error answer: the HTTP status (the body is in the message on a mismatch),
 * `application/problem+json`, the body's `status`, `type` and `title`, and optionally the detail
 * and the first named field. Returns the problem.
 */
export async function expectProblem(res: Response, status: number, want: ProblemExpectation = {}): Promise<Problem> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(res.headers.get('content-type') ?? '', text).toMatch(/^application\/problem\+json/);
  const problem = JSON.parse(text) as Problem;
  expect(problem.status).toBe(status);
  expect(typeof problem.type).toBe('string');
  expect(typeof problem.title).toBe('string');
  if (want.detail !== undefined) {
    if (typeof want.detail === 'string') expect(problem.detail).toContain(want.detail);
    else expect(problem.detail).toMatch(want.detail);
  }
  if (want.field) {
    expect(problem.errors?.length, JSON.stringify(problem)).toBeGreaterThan(0);
    expect(problem.errors![0]).toMatchObject(want.field);
  }
  return problem;
}

/** Reads a problem+json answer whose status the caller checks itself; fails on another media type. */
export async function problemOf(res: Response): Promise<Problem> {
  const type = res.headers.get('content-type') ?? '';
  if (!type.startsWith('application/problem+json')) throw new Error(`expected application/problem+json, got ${type} (${res.status}): ${await res.text()}`);
  return (await res.json()) as Problem;
}
