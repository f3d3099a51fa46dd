// A fake JobManager REST API for CLI unit tests: node:http on port 0, scripted answers, every request recorded.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface FakeAnswer {
  status?: number;
  body?: unknown;
  /** Raw text instead of JSON. */
  text?: string;
}

/** Answers a request, or undefined to fall through to 404 `{"errors":["Not found: ..."]}`. */
export type FakeRoute = (req: RecordedRequest) => FakeAnswer | undefined;

export class FakeRestServer {
  readonly requests: RecordedRequest[] = [];
  readonly #routes: { method: string; path: string | RegExp; answer: FakeRoute }[] = [];
  #server: Server | undefined;
  url = '';
  /** `host:port`, as `-m` takes it. */
  address = '';

  /** Routes `method path` (exact, query included, or a RegExp on the path) to `answer`; later routes win. */
  on(method: string, path: string | RegExp, answer: FakeAnswer | FakeRoute): this {
    this.#routes.unshift({ method, path, answer: typeof answer === 'function' ? answer : () => answer });
    return this;
  }

  /** Answers the given sequence, one per request, repeating the last. */
  sequence(method: string, path: string | RegExp, answers: FakeAnswer[]): this {
    let i = 0;
    return this.on(method, path, () => answers[Math.min(i++, answers.length - 1)]);
  }

  async start(): Promise<this> {
    this.#server = createServer((req, res) => void this.#handle(req, res));
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.#server.address() as AddressInfo;
    this.address = `127.0.0.1:${port}`;
    this.url = `http://${this.address}`;
    return this;
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }

  requestsTo(method: string, path: string | RegExp): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: req.headers,
      body: Buffer.concat(chunks).toString('latin1'),
    };
    this.requests.push(recorded);
    for (const route of this.#routes) {
      if (route.method !== recorded.method) continue;
      const matches = typeof route.path === 'string' ? route.path === recorded.path : route.path.test(recorded.path);
      if (!matches) continue;
      const answer = route.answer(recorded);
      if (answer === undefined) continue;
      res.writeHead(answer.status ?? 200, { 'content-type': answer.text !== undefined ? 'text/plain' : 'application/json' });
      res.end(answer.text ?? JSON.stringify(answer.body ?? {}));
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ errors: [`Not found: ${recorded.path}`] }));
  }
}

/** Runs the CLI in this process and captures its output lines. */
export async function runCli(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const { main } = await import('../../../src/cli/main.ts');
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['node', 'sluice', ...args], {
    out: (line) => out.push(...line.split('\n')),
    err: (line) => err.push(...line.split('\n')),
  });
  return { code, out, err };
}
