/**
 * Matches a request path against the spec's path templates. Literal segments win over
 * parameters, position by position from the left (so `/flows/executions/filter` is the filter
 * operation, not an execution called "filter"), which is how the vendor's server resolves its
 * overlapping paths.
 */
import type { OperationSpec } from './openapi-document.js';

interface Template {
  path: string;
  segments: Array<{ literal: string } | { param: string }>;
  byMethod: Map<string, OperationSpec>;
}

export type RouteMatch =
  | { kind: 'operation'; op: OperationSpec; pathParams: Record<string, string> }
  | { kind: 'methodNotAllowed'; allow: string[]; template: string }
  | { kind: 'notFound' }
  | { kind: 'badPath'; detail: string };

export class Router {
  private readonly bySegmentCount = new Map<number, Template[]>();

  constructor(ops: OperationSpec[]) {
    const templates = new Map<string, Template>();
    for (const op of ops) {
      let t = templates.get(op.path);
      if (!t) {
        t = {
          path: op.path,
          segments: op.path.split('/').slice(1).map((s) => {
            const m = /^\{(.+)\}$/.exec(s);
            return m ? { param: m[1] } : { literal: s };
          }),
          byMethod: new Map(),
        };
        templates.set(op.path, t);
      }
      t.byMethod.set(op.method, op);
    }
    for (const t of templates.values()) {
      const list = this.bySegmentCount.get(t.segments.length) ?? [];
      list.push(t);
      this.bySegmentCount.set(t.segments.length, list);
    }
    // Most specific first: compare literal/param position by position.
    for (const list of this.bySegmentCount.values()) {
      list.sort((a, b) => {
        for (let i = 0; i < a.segments.length; i++) {
          const al = 'literal' in a.segments[i];
          const bl = 'literal' in b.segments[i];
          if (al !== bl) return al ? -1 : 1;
        }
        return 0;
      });
    }
  }

  match(method: string, pathname: string): RouteMatch {
    const raw = pathname.split('/').slice(1);
    if (raw.length > 1 && raw[raw.length - 1] === '') raw.pop(); // tolerate one trailing slash
    const candidates = this.bySegmentCount.get(raw.length) ?? [];
    let decoded: string[];
    try {
      decoded = raw.map((s) => decodeURIComponent(s));
    } catch {
      return { kind: 'badPath', detail: 'The path is not valid percent-encoding.' };
    }
    let pathOnly: Template | null = null;
    for (const t of candidates) {
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < t.segments.length && ok; i++) {
        const seg = t.segments[i];
        if ('literal' in seg) ok = seg.literal === raw[i];
        else if (decoded[i] === '') ok = false;
        else params[seg.param] = decoded[i];
      }
      if (!ok) continue;
      // HEAD is GET without the body (RFC 9110 9.3.2; Node leaves the body out).
      const op = t.byMethod.get(method) ?? (method === 'HEAD' ? t.byMethod.get('GET') : undefined);
      if (op) return { kind: 'operation', op, pathParams: params };
      pathOnly ??= t;
    }
    if (pathOnly) {
      const allow = [...pathOnly.byMethod.keys()];
      if (pathOnly.byMethod.has('GET') && !pathOnly.byMethod.has('HEAD')) allow.push('HEAD');
      return { kind: 'methodNotAllowed', allow: allow.sort(), template: pathOnly.path };
    }
    return { kind: 'notFound' };
  }
}
