import WebSocket from 'ws';

/** A message the AppSync real-time endpoint sends. */
export interface RealtimeMessage {
  type: string;
  id?: string;
  payload?: {
    data?: unknown;
    errors?: { errorType?: string; message?: string }[];
    connectionTimeoutMs?: number;
  };
}

/**
 * A small client of AppSync's real-time protocol (what Amplify speaks):
 * base64 `header`/`payload` query parameters, subprotocol `graphql-ws`,
 * connection_init -> connection_ack, start -> start_ack -> data, stop -> complete.
 */
export class AppSyncRealtimeClient {
  readonly messages: RealtimeMessage[] = [];
  private waiters: { test: (m: RealtimeMessage) => boolean; resolve: (m: RealtimeMessage) => void }[] = [];

  private constructor(
    private readonly socket: WebSocket,
    private readonly token: string,
  ) {
    socket.on('message', (raw) => {
      const message = JSON.parse(raw.toString()) as RealtimeMessage;
      this.messages.push(message);
      this.waiters = this.waiters.filter((w) => {
        if (!w.test(message)) return true;
        w.resolve(message);
        return false;
      });
    });
  }

  /** Opens the socket and sends connection_init; resolves with the connection_ack or connection_error. */
  static async connect(
    realtimeUrl: string,
    token: string,
  ): Promise<{ client: AppSyncRealtimeClient; ack: RealtimeMessage }> {
    const header = Buffer.from(
      JSON.stringify({ Authorization: token, host: new URL(realtimeUrl).host }),
    ).toString('base64');
    const payload = Buffer.from('{}').toString('base64');
    const socket = new WebSocket(`${realtimeUrl}?header=${header}&payload=${payload}`, 'graphql-ws');
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    const client = new AppSyncRealtimeClient(socket, token);
    const ack = client.next((m) => m.type === 'connection_ack' || m.type === 'connection_error');
    socket.send(JSON.stringify({ type: 'connection_init' }));
    return { client, ack: await ack };
  }

  /** Sends start; resolves with start_ack or error for that id. */
  async start(
    id: string,
    query: string,
    variables: Record<string, unknown> = {},
    token = this.token,
  ): Promise<RealtimeMessage> {
    const answer = this.next((m) => m.id === id && (m.type === 'start_ack' || m.type === 'error'));
    this.socket.send(
      JSON.stringify({
        id,
        type: 'start',
        payload: {
          data: JSON.stringify({ query, variables }),
          extensions: { authorization: { Authorization: token, host: 'localhost' } },
        },
      }),
    );
    return answer;
  }

  async stop(id: string): Promise<RealtimeMessage> {
    const answer = this.next((m) => m.id === id && m.type === 'complete');
    this.socket.send(JSON.stringify({ type: 'stop', id }));
    return answer;
  }

  /** The next message (from now on, or already received and unclaimed if `past`) that passes `test`. */
  next(test: (m: RealtimeMessage) => boolean): Promise<RealtimeMessage> {
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }

  /** Resolves with the next `data` message of subscription `id`. */
  nextData(id: string): Promise<RealtimeMessage> {
    return this.next((m) => m.id === id && m.type === 'data');
  }

  close(): void {
    this.socket.close();
  }
}
