import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { LocalCredentials } from './local-credentials';

/** AWS refuses a signature whose date is more than 15 minutes off the server's clock. */
export const MAX_SIGNATURE_SKEW_MS = 15 * 60 * 1000;

/**
 * Checks one HTTP request's SigV4 signature. Arguments are the request as it
 * arrived: method, request target (`/path?query`, still percent-encoded),
 * headers (Node's lower-cased `req.headers`) and the raw body. Resolves
 * undefined when the signature is valid, else the reason, worded as AWS words it.
 */
export type RequestVerifier = (
  method: string,
  target: string,
  headers: IncomingHttpHeaders,
  body: Uint8Array | string,
) => Promise<string | undefined>;

/** Why a request was refused, with the error type AWS answers for it. */
export interface SigV4Problem {
  /** AWS's error type: MissingAuthenticationToken, IncompleteSignature, InvalidSignature, UnrecognizedClient. */
  code: 'MissingAuthenticationToken' | 'IncompleteSignature' | 'InvalidSignature' | 'UnrecognizedClient';
  message: string;
}

export interface SigV4VerifierOptions {
  /** The local credentials: the only key pair whose signatures are accepted. */
  credentials: LocalCredentials;
  /** The signing name the credential scope must name (`dynamodb`, `iotdata`, `cognito-idp`); omitted = any. */
  service?: string;
  /** The clock (tests). */
  now?: () => number;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const INVALID_SIGNATURE =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.';

/**
 * A verifier of SigV4-signed requests, as AWS verifies them: the
 * Authorization header's credential scope and signed headers are read, the
 * canonical request is rebuilt from what arrived, and the signature the local
 * secret gives (computed by the SDK's own signer, not by hand) must be the one
 * sent; the date may be off by 15 minutes at most; a body hash sent in
 * `x-amz-content-sha256` must be the body's.
 */
export function createSigV4Verifier(options: SigV4VerifierOptions): RequestVerifier {
  const check = createSigV4Checker(options);
  return async (...args) => (await check(...args))?.message;
}

/** The same check as {@link createSigV4Verifier}, with AWS's error type of a refusal. */
export function createSigV4Checker(
  options: SigV4VerifierOptions,
): (...args: Parameters<RequestVerifier>) => Promise<SigV4Problem | undefined> {
  const now = options.now ?? Date.now;
  return async (method, target, headers, body) => {
    const authorization = single(headers.authorization);
    if (!authorization) {
      const presigned = /[?&]X-Amz-Signature=/i.test(target);
      return problem(
        presigned ? 'IncompleteSignature' : 'MissingAuthenticationToken',
        presigned
          ? 'Query-string (presigned) signatures are not accepted here; sign the Authorization header.'
          : 'Request is missing Authentication Token',
      );
    }
    const parsed = parseAuthorization(authorization);
    if (typeof parsed === 'string') return problem('IncompleteSignature', parsed);
    const { accessKeyId, scopeDate, region, service, signedHeaders, signature } = parsed;
    if (accessKeyId !== options.credentials.accessKeyId)
      return problem('UnrecognizedClient', 'The security token included in the request is invalid.');
    if (options.service && service !== options.service)
      return problem(
        'InvalidSignature',
        `Credential should be scoped to correct service: '${options.service}'.`,
      );

    const amzDate = single(headers['x-amz-date']);
    if (!amzDate)
      return problem(
        'IncompleteSignature',
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
      );
    const signedAt = parseAmzDate(amzDate);
    if (signedAt === undefined)
      return problem('IncompleteSignature', `X-Amz-Date ${amzDate} is not of the form YYYYMMDDTHHMMSSZ.`);
    if (amzDate.slice(0, 8) !== scopeDate)
      return problem(
        'InvalidSignature',
        `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${amzDate.slice(0, 8)}'`,
      );
    const at = now();
    if (signedAt.getTime() < at - MAX_SIGNATURE_SKEW_MS)
      return problem(
        'InvalidSignature',
        `Signature expired: ${amzDate} is now earlier than ${formatAmzDate(at - MAX_SIGNATURE_SKEW_MS)} (${formatAmzDate(at)} - 15 min.)`,
      );
    if (signedAt.getTime() > at + MAX_SIGNATURE_SKEW_MS)
      return problem(
        'InvalidSignature',
        `Signature not yet current: ${amzDate} is still later than ${formatAmzDate(at + MAX_SIGNATURE_SKEW_MS)} (${formatAmzDate(at)} + 15 min.)`,
      );
    if (!signedHeaders.includes('host') || !signedHeaders.includes('x-amz-date'))
      return problem('InvalidSignature', "'Host' and 'X-Amz-Date' must be signed headers.");

    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    const contentHash = single(headers['x-amz-content-sha256']);
    if (
      contentHash &&
      contentHash !== 'UNSIGNED-PAYLOAD' &&
      contentHash !== createHash('sha256').update(bytes).digest('hex')
    )
      return problem('InvalidSignature', 'The provided x-amz-content-sha256 header does not match the body.');

    const signed: Record<string, string> = {};
    for (const name of signedHeaders) {
      const value = headers[name];
      if (value === undefined) return problem('InvalidSignature', `Signed header ${name} is missing.`);
      signed[name] = Array.isArray(value) ? value.join(',') : value;
    }
    const queryIndex = target.indexOf('?');
    const path = queryIndex < 0 ? target : target.slice(0, queryIndex);
    const query = parseQuery(queryIndex < 0 ? '' : target.slice(queryIndex + 1));
    if (!query) return problem('InvalidSignature', 'The query string is not valid percent-encoding.');

    const request = new HttpRequest({
      method: method.toUpperCase(),
      protocol: 'http:',
      hostname: signed.host ?? '',
      path,
      query,
      headers: signed,
      body: bytes,
    });
    const signer = new SignatureV4({
      credentials: options.credentials,
      region,
      service,
      sha256: Sha256,
      // S3 alone signs the path as sent; every other service escapes it once more.
      uriEscapePath: service !== 's3',
      // The hash is signed only when the client sent it (then it is in `signed`).
      applyChecksum: false,
    });
    let expected: string | undefined;
    try {
      const result = await signer.sign(request, {
        signingDate: signedAt,
        signingRegion: region,
        signingService: service,
        signableHeaders: new Set(signedHeaders),
      });
      expected = /Signature=([0-9a-f]+)/.exec(single(result.headers.authorization) ?? '')?.[1];
    } catch {
      expected = undefined;
    }
    if (!expected || !sameHex(expected, signature)) return problem('InvalidSignature', INVALID_SIGNATURE);
    return undefined;
  };
}

function problem(code: SigV4Problem['code'], message: string): SigV4Problem {
  return { code, message };
}

interface ParsedAuthorization {
  accessKeyId: string;
  scopeDate: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

/** Reads `AWS4-HMAC-SHA256 Credential=.../date/region/service/aws4_request, SignedHeaders=a;b, Signature=hex`. */
function parseAuthorization(header: string): ParsedAuthorization | string {
  const space = header.indexOf(' ');
  if (space < 0 || header.slice(0, space) !== ALGORITHM)
    return `Unsupported Authorization Type; only ${ALGORITHM} is accepted.`;
  const fields = new Map<string, string>();
  for (const part of header.slice(space + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!credential || !signedHeaders || !signature)
    return "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.";
  const scope = credential.split('/');
  if (scope.length !== 5 || scope[4] !== 'aws4_request' || !/^\d{8}$/.test(scope[1]!))
    return `Credential should be of the form <key id>/<YYYYMMDD>/<region>/<service>/aws4_request, not ${credential}.`;
  if (!/^[0-9a-f]{64}$/.test(signature)) return 'Signature must be 64 lower-case hex digits.';
  return {
    accessKeyId: scope[0]!,
    scopeDate: scope[1]!,
    region: scope[2]!,
    service: scope[3]!,
    signedHeaders: signedHeaders.split(';').map((h) => h.trim().toLowerCase()),
    signature,
  };
}

function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const date = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function formatAmzDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** The query as the SDK's signer takes it (decoded names and values; repeated names become lists). */
function parseQuery(raw: string): Record<string, string | string[]> | undefined {
  const query: Record<string, string | string[]> = {};
  if (!raw) return query;
  try {
    for (const pair of raw.split('&')) {
      if (!pair) continue;
      const eq = pair.indexOf('=');
      const name = decodeURIComponent(eq < 0 ? pair : pair.slice(0, eq));
      const value = eq < 0 ? '' : decodeURIComponent(pair.slice(eq + 1));
      const seen = query[name];
      query[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
    }
  } catch {
    return undefined;
  }
  return query;
}

function sameHex(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
