/**
 * binary_is_real: a PDF or PNG answer is a real file. Through the proxy we check what survives
 * Prism (status, Content-Type, Content-Length = bytes received, ASCII magic bytes); the bytes
 * themselves are read again straight from the server, because Prism re-encodes binary bodies
 * (unreachable.ts, PRISM_LIMITATIONS).
 */
import type { ScenarioContext, Target } from './context.js';
import { credentialHeaders, type Credentials } from './harness/client.js';
import { exchangeOf } from './harness/response-checks.js';

const MAGIC = {
  pdf: { media: 'application/pdf', head: [0x25, 0x50, 0x44, 0x46, 0x2d], label: '%PDF-' },
  png: { media: 'image/png', head: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], label: '\\x89PNG\\r\\n\\x1a\\n' },
} as const;

const startsWith = (bytes: Uint8Array, head: readonly number[]) => head.every((b, i) => bytes[i] === b);

function trailerOk(kind: 'pdf' | 'png', bytes: Uint8Array): boolean {
  if (kind === 'pdf') return /%%EOF\s*$/.test(new TextDecoder('latin1').decode(bytes.slice(-32)));
  // PNG ends with the IEND chunk: length 0, "IEND", CRC ae 42 60 82.
  const tail = [0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82];
  return tail.every((b, i) => bytes[bytes.length - 8 + i] === b);
}

export async function checkBinary(ctx: ScenarioContext, target: Pick<Target, 'upstreamUrl'>, res: Response, creds: Credentials,
  kind: 'pdf' | 'png', what: string): Promise<Uint8Array | null> {
  const spec = MAGIC[kind];
  const x = exchangeOf(res);
  const extra = { operationId: x.operationId, status: res.status };
  if (res.status !== 200) {
    ctx.recorder.fail('binary_is_real', `${what}: status ${res.status}, no file`, extra);
    return null;
  }
  // Through the proxy.
  const problems: string[] = [];
  if (x.mediaType !== spec.media) problems.push(`Content-Type ${x.mediaType ?? '(none)'} is not ${spec.media}`);
  const declared = res.headers.get('content-length');
  if (declared === null) problems.push('no Content-Length');
  else if (Number(declared) !== x.bytes.length) problems.push(`Content-Length ${declared} but ${x.bytes.length} bytes arrived`);
  if (kind === 'pdf' && !startsWith(x.bytes, spec.head)) problems.push(`does not start with ${spec.label}`);
  ctx.recorder.record('binary_is_real', problems.length === 0,
    `${what} via the proxy: ${problems.length ? problems.join('; ') : `${spec.media}, ${x.bytes.length} bytes, Content-Length agrees`}`, extra);

  // Straight from the server, byte for byte.
  const url = new URL(new URL(x.url).pathname + new URL(x.url).search, target.upstreamUrl);
  const direct = await fetch(url, { headers: credentialHeaders(creds) });
  const bytes = new Uint8Array(await direct.arrayBuffer());
  const dProblems: string[] = [];
  const dMedia = direct.headers.get('content-type')?.split(';')[0].trim().toLowerCase() ?? null;
  if (direct.status !== 200) dProblems.push(`status ${direct.status}`);
  if (dMedia !== spec.media) dProblems.push(`Content-Type ${dMedia ?? '(none)'} is not ${spec.media}`);
  const dLen = direct.headers.get('content-length');
  if (dLen === null || Number(dLen) !== bytes.length) dProblems.push(`Content-Length ${dLen ?? '(none)'} but ${bytes.length} bytes`);
  if (!startsWith(bytes, spec.head)) dProblems.push(`does not start with ${spec.label}`);
  if (!trailerOk(kind, bytes)) dProblems.push(kind === 'pdf' ? 'does not end with %%EOF' : 'does not end with an IEND chunk');
  if (bytes.length < 64) dProblems.push(`only ${bytes.length} bytes`);
  ctx.recorder.record('binary_is_real', dProblems.length === 0,
    `${what} from the server: ${dProblems.length ? dProblems.join('; ') : `${spec.media}, ${bytes.length} bytes, magic bytes and trailer right`}`, extra);
  if (bytes.length !== x.bytes.length || !bytes.every((b, i) => b === x.bytes[i])) {
    ctx.log(`  note: Prism altered the ${kind.toUpperCase()} body of ${x.operationId} (${bytes.length} bytes from the server, ${x.bytes.length} through the proxy)`);
  }
  return dProblems.length === 0 ? bytes : null;
}

/**
 * A declared HEAD (HeadDocumentContent, …) answers its GET's headers without the body. Through
 * the proxy: the same Content-Type and Content-Disposition as `get` (the GET of the same
 * resource), and no body. Prism recomputes Content-Length from the body it forwards (0 for a
 * HEAD; PRISM_LIMITATIONS), so the length is compared straight from the server: the HEAD's
 * Content-Length is the number of bytes the GET sends.
 */
export async function checkHeadOfGet(ctx: ScenarioContext, target: Pick<Target, 'upstreamUrl'>, head: Response, get: Response,
  creds: Credentials, operationId: string): Promise<boolean> {
  const body = new Uint8Array(await head.arrayBuffer());
  const problems = ['content-type', 'content-disposition'].filter((n) => head.headers.get(n) !== get.headers.get(n))
    .map((n) => `${n} ${head.headers.get(n)} (GET: ${get.headers.get(n)})`);
  if (head.status !== 200 || get.status !== 200) problems.push(`HEAD ${head.status}, GET ${get.status}`);
  if (body.length) problems.push(`a ${body.length}-byte body`);
  const x = exchangeOf(head);
  const url = new URL(new URL(x.url).pathname + new URL(x.url).search, target.upstreamUrl);
  const headers = credentialHeaders(creds);
  const directHead = await fetch(url, { method: 'HEAD', headers });
  const directBytes = (await (await fetch(url, { headers })).arrayBuffer()).byteLength;
  const length = directHead.headers.get('content-length');
  if (length === null || Number(length) !== directBytes) problems.push(`Content-Length ${length ?? '(none)'} from the server, but its GET sends ${directBytes} bytes`);
  const detail = problems.length === 0
    ? `${operationId} answers its GET's headers (${head.headers.get('content-type')}, ${length} bytes) without a body`
    : `${operationId} differs from its GET: ${problems.join('; ')}`;
  return ctx.recorder.record('behaves_as_documented', problems.length === 0, detail, { operationId });
}
