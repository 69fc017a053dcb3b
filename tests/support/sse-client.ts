import { request, type IncomingMessage } from 'node:http';
/** One Server-Sent Events message as the client parsed it; comments are kept apart (heartbeats). */
export interface SseMessage { id: string | null; event: string; data: string }

export interface SseConnection {
  status: number;
  headers: Headers;
  messages: SseMessage[];
  comments: string[];
  /** Resolves once `count` messages have arrived (rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<SseMessage[]>;
  /** Resolves once a comment line has arrived after this call. */
  nextComment(timeoutMs?: number): Promise<string>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

/**
 * A streaming SSE client, parsing the text/event-stream format line by line as a browser does. It
 * uses node:http rather than fetch so that closing it closes its connection and nothing else.
 */
export async function openEventStream(url: string, headers: Record<string, string> = {}): Promise<SseConnection> {
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    request(url, { headers: { accept: 'text/event-stream', ...headers }, agent: false }, resolve).on('error', reject).end();
  });
  const messages: SseMessage[] = [];
  const comments: string[] = [];
  let wake: () => void = () => undefined;
  const changed = () => new Promise<void>((resolve) => { wake = resolve; });
  const until = async (done: () => boolean, timeoutMs: number, what: string) => {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${what} within ${timeoutMs} ms (got ${messages.length} messages)`);
      await Promise.race([changed(), new Promise((r) => setTimeout(r, Math.min(left, 100)))]);
    }
  };
  const ended = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    let current: SseMessage = { id: null, event: 'message', data: '' };
    let hasData = false;
    try {
      for await (const chunk of res as AsyncIterable<Buffer>) {
        buffer += decoder.decode(chunk, { stream: true });
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          if (line === '') {
            if (hasData) messages.push({ ...current, data: current.data.replace(/\n$/, '') });
            current = { id: null, event: 'message', data: '' };
            hasData = false;
          } else if (line.startsWith(':')) comments.push(line.slice(1).trim());
          else {
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'id') current.id = value;
            else if (field === 'event') current.event = value;
            else if (field === 'data') { current.data += `${value}\n`; hasData = true; }
          }
          wake();
        }
      }
    } catch {
      // Closed by close().
    }
    wake();
  })();
  return {
    status: res.statusCode ?? 0, headers: new Headers(Object.entries(res.headers).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)] as [string, string]]))), messages, comments, ended,
    async waitFor(count, timeoutMs = 5000) {
      await until(() => messages.length >= count, timeoutMs, `expected ${count} messages`);
      return messages.slice(0, count);
    },
    async nextComment(timeoutMs = 5000) {
      const seen = comments.length;
      await until(() => comments.length > seen, timeoutMs, 'expected a comment line');
      return comments[seen]!;
    },
    close: () => res.destroy(),
  };
}
