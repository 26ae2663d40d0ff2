import type { IncomingMessage, ServerResponse } from 'node:http';
import { IOT_MAX_MESSAGE_BYTES } from '../../core/ingestion/device-policy';
import { decodePathSegment, parseRequestTarget } from '../server/request-target';
import { BodyTooLargeError, readBody } from '../server/read-body';
import type { RequestVerifier } from './sigv4-verifier';

/** Largest payload the IoT Data Plane route accepts (IoT Core's limit is 128 KiB). */
export const MAX_DATA_PLANE_PAYLOAD = IOT_MAX_MESSAGE_BYTES;

/** An IoT Data Plane error as AWS answers it: a status and an error type the SDK reads. */
export class DataPlaneError extends Error {
  override readonly name = 'DataPlaneError';
  constructor(
    readonly status: number,
    readonly errorType: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The IoT Data Plane `Publish` (`POST /topics/{topic}`) and
 * `GetRetainedMessage` (`GET /retainedMessage/{topic}`) routes, so code using
 * the real `IoTDataPlaneClient` publishes into the broker. The returned
 * handler answers false when a request is not one of its routes.
 */
export function dataPlaneHandler(options: {
  publish(packet: { topic: string; payload: Buffer; qos: 0 | 1; retain: boolean }): Promise<void>;
  retained: Map<string, Buffer>;
  /** Checks each request's SigV4 signature (as AWS does); omitted = the routes are open. */
  verify: RequestVerifier | undefined;
}): (req: IncomingMessage, res: ServerResponse) => boolean {
  /** Refuses a Data Plane request whose SigV4 signature is missing or wrong, as AWS does (403). */
  async function verifyRequest(req: IncomingMessage, body: Buffer): Promise<void> {
    if (!options.verify) return;
    const problem = await options.verify(req.method ?? 'GET', req.url ?? '/', req.headers, body);
    if (problem) throw new DataPlaneError(403, 'ForbiddenException', problem);
  }

  /** Reads the body within the payload limit, checks the signature, then answers with `then`. */
  function signed(req: IncomingMessage, res: ServerResponse, then: (body: Buffer) => Promise<void> | void) {
    readBody(req, MAX_DATA_PLANE_PAYLOAD, { destroy: true })
      .then(async (body) => {
        await verifyRequest(req, body);
        await then(body);
      })
      .catch((err: unknown) => sendError(res, err));
  }

  return (req, res) => {
    const url = parseRequestTarget(req.url);
    if (!url) {
      sendError(res, new DataPlaneError(400, 'InvalidRequestException', 'The request target is not a path'));
      return true;
    }
    const publishMatch = /^\/topics\/(.+)$/.exec(url.pathname);
    const retainedMatch = /^\/retainedMessage\/(.+)$/.exec(url.pathname);
    const segment = publishMatch?.[1] ?? retainedMatch?.[1];
    const topic = segment === undefined ? undefined : decodePathSegment(segment);
    if (segment !== undefined && topic === undefined) {
      sendError(
        res,
        new DataPlaneError(400, 'InvalidRequestException', 'The topic is not valid percent-encoded UTF-8'),
      );
      return true;
    }
    // Browsers get no CORS from the Data Plane (AWS sends none): a preflight is refused plainly.
    if (req.method === 'OPTIONS' && topic !== undefined) {
      sendError(res, new DataPlaneError(403, 'ForbiddenException', 'The IoT Data Plane answers no CORS'));
      return true;
    }
    if (req.method === 'POST' && publishMatch && topic !== undefined) {
      signed(req, res, async (payload) => {
        const qos = url.searchParams.get('qos') === '1' ? 1 : 0;
        const retain = url.searchParams.get('retain') === 'true';
        if (!topic || topic.includes('#') || topic.includes('+')) {
          throw new DataPlaneError(
            400,
            'InvalidRequestException',
            `Topic ${topic} is not a valid publish topic`,
          );
        }
        await options.publish({ topic, payload, qos, retain });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
      return true;
    }
    if (req.method === 'GET' && retainedMatch && topic !== undefined) {
      signed(req, res, () => sendRetained(res, options.retained, topic));
      return true;
    }
    return false;
  };
}

function sendRetained(res: ServerResponse, retained: Map<string, Buffer>, topic: string) {
  const payload = retained.get(topic);
  if (!payload) {
    sendError(res, new DataPlaneError(404, 'ResourceNotFoundException', `No retained message on ${topic}`));
    return;
  }
  res
    .writeHead(200, { 'content-type': 'application/json' })
    .end(
      JSON.stringify({ topic, payload: payload.toString('base64'), qos: 1, lastModifiedTime: Date.now() }),
    );
}

function sendError(res: ServerResponse, err: unknown) {
  const e =
    err instanceof DataPlaneError
      ? err
      : err instanceof BodyTooLargeError
        ? new DataPlaneError(
            413,
            'RequestEntityTooLargeException',
            `Payload is larger than ${err.limit} bytes`,
          )
        : new DataPlaneError(500, 'InternalFailureException', (err as Error).message);
  // The SDK reads the error type from this header, as AWS sends it.
  res
    .writeHead(e.status, { 'content-type': 'application/json', 'x-amzn-errortype': e.errorType })
    .end(JSON.stringify({ message: e.message }));
}
