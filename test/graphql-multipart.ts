import { randomBytes } from 'node:crypto';

/** A file of a multipart request: where in the variables it goes (`variables.photos.0`), and its bytes. */
export interface MultipartFile {
  path: string;
  bytes: Buffer;
  contentType?: string;
}

/**
 * A GraphQL multipart request (https://github.com/jaydenseric/graphql-multipart-request-spec)
 * as a client library sends it: `operations` with null where each file goes, the `map` of
 * files to those places, then the files. Returns the headers and the body for `inject`.
 */
export const multipartRequest = (query: string, variables: Record<string, unknown>, files: readonly MultipartFile[]) => {
  const boundary = `----rollcall${randomBytes(8).toString('hex')}`;
  const part = (headers: string, body: Buffer | string) => Buffer.concat([Buffer.from(`--${boundary}\r\n${headers}\r\n\r\n`), Buffer.from(body), Buffer.from('\r\n')]);
  const map = Object.fromEntries(files.map((file, i) => [String(i), [file.path]]));
  const body = Buffer.concat([
    part('Content-Disposition: form-data; name="operations"', JSON.stringify({ query, variables })),
    part('Content-Disposition: form-data; name="map"', JSON.stringify(map)),
    ...files.map((file, i) =>
      part(`Content-Disposition: form-data; name="${i}"; filename="photo-${i}.jpg"\r\nContent-Type: ${file.contentType ?? 'image/jpeg'}`, file.bytes),
    ),
    Buffer.from(`--${boundary}--\r\n`),
  ]);
  return { headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, body };
};
