/**
 * A reply body written over time, for `text/event-stream` operations (Server-Sent Events).
 * A handler returns `{ status: 200, body: new EventStreamBody(run) }`; the dispatcher checks the
 * status and media type against the spec as usual, sends the head, then hands the response to
 * `run`, which writes events until it resolves (or the client goes away) and the stream ends.
 */
import type { ServerResponse } from 'node:http';

export interface EventSink {
  /** Writes one event: `event: <name>` and the data as JSON. */
  event(name: string, data: unknown, id?: string | number): void;
  /** Writes a comment line (ignored by clients; keeps proxies from closing an idle stream). */
  comment(text: string): void;
  /** Writes raw SSE text (a `retry:` field, …). */
  raw(text: string): void;
  /** Aborted when the client closed the connection. */
  readonly signal: AbortSignal;
}

export class EventStreamBody {
  constructor(private readonly run: (sink: EventSink) => Promise<void>, private readonly onError?: (err: unknown) => void) {}

  /** Called by the dispatcher once the status and headers are set. */
  pipeTo(res: ServerResponse): void {
    const abort = new AbortController();
    const onClose = () => abort.abort();
    res.on('close', onClose);
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    const write = (text: string) => {
      if (!res.writableEnded && !res.destroyed) res.write(text);
    };
    const sink: EventSink = {
      event(name, data, id) {
        write(`${id !== undefined ? `id: ${id}\n` : ''}event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
      },
      comment(text) {
        write(`: ${text.replace(/\n/g, ' ')}\n\n`);
      },
      raw: write,
      signal: abort.signal,
    };
    this.run(sink)
      .catch((err: unknown) => this.onError?.(err)) // the stream is already 200: an error can only end it
      .finally(() => {
        res.off('close', onClose);
        if (!res.writableEnded) res.end();
      });
  }
}

export const isEventStreamBody = (body: unknown): body is EventStreamBody => body instanceof EventStreamBody;
