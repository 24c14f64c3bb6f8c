import type { Readable } from 'node:stream';
import fp from 'fastify-plugin';
import { type FileUpload, Upload } from 'graphql-upload-minimal';
import { mercuriusUpload } from 'mercurius-upload';
import { MAX_ENROLLMENT_PHOTOS, PhotoRefused } from '../domain/face/face.js';
import { DomainError } from '../domain/domain-error.js';
import { sendRefusal } from './error-map.js';

/**
 * The largest photo the API takes, in bytes: a phone's full-size JPEG is 2-6 MB. The face
 * models bound the pixels separately (a small PNG can hold 20,000 × 20,000 of them).
 */
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

/** `operations` and `map` of a multipart request, as large as a JSON body may be. */
const MAX_FIELD_BYTES = 1_048_576;

/** A whole multipart request: its fields, its files, and room for the parts' headers. */
const MAX_MULTIPART_BYTES = 2 * MAX_FIELD_BYTES + MAX_ENROLLMENT_PHOTOS * MAX_PHOTO_BYTES + 64 * 1024;

const tooLarge = () => new PhotoRefused('IMAGE_TOO_LARGE', `A photo may be at most ${MAX_PHOTO_BYTES / 1024 / 1024} MB`);

/**
 * The bytes of a photo stream, refused as IMAGE_TOO_LARGE past MAX_PHOTO_BYTES. A stream over
 * the limit is read to its end all the same (and dropped): a multipart request goes on past
 * it, and an HTTP body left unread would hold its connection.
 */
export const readPhoto = (stream: Readable, max = MAX_PHOTO_BYTES): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= max) chunks.push(chunk);
    });
    // Busboy cuts a file at its limit and marks it truncated rather than failing it.
    stream.on('end', () => (size > max || (stream as { truncated?: boolean }).truncated ? reject(tooLarge()) : resolve(Buffer.concat(chunks))));
    stream.on('error', reject);
  });

/** What graphql-upload-minimal rejects a file with: an HTTP error, 413 for one over the limit. */
const uploadError = (error: unknown): unknown =>
  (error as { status?: number } | null)?.status === 413 ? tooLarge() : error;

/** A GraphQL `Upload` argument's bytes. */
export const uploadedPhoto = async (upload: Promise<FileUpload>): Promise<Buffer> => {
  try {
    return await readPhoto((await upload).createReadStream());
  } catch (error) {
    throw uploadError(error);
  }
};

const isMultipart = (contentType: string | undefined): boolean => /^multipart\/form-data/i.test(contentType ?? '');

/** Every Upload placeholder in the request's operations, wherever its `map` put it. */
const uploadsIn = (value: unknown, found: Upload[] = []): Upload[] => {
  if (value instanceof Upload) found.push(value);
  else if (value && typeof value === 'object') for (const item of Object.values(value)) uploadsIn(item, found);
  return found;
};

/** Reads a file nobody read to its end: a file stream left unread stalls the request, and its response with it. */
const drain = (file: FileUpload): void => {
  try {
    const stream = file.createReadStream();
    stream.on('error', () => undefined);
    stream.resume();
  } catch {
    // Read already, by a resolver; or failed, in which case there is nothing to drain.
  }
};

/**
 * GraphQL uploads (the GraphQL multipart request spec, through mercurius-upload): at most
 * MAX_ENROLLMENT_PHOTOS files of MAX_PHOTO_BYTES each, on `graphqlPath` only; a multipart
 * request elsewhere, or one whose declared length is over the whole limit, is refused before
 * a byte of it is read. These requests need no CSRF guard: the API authenticates with bearer
 * tokens only, which a cross-site form cannot send.
 */
export const photoUploads = fp<{ graphqlPath?: string }>(
  async (app, { graphqlPath = '/graphql' }) => {
    app.addHook('onRequest', async (request, reply) => {
      if (!isMultipart(request.headers['content-type'])) return;
      if (request.routeOptions.url !== graphqlPath)
        return sendRefusal(reply, request, graphqlPath, new DomainError('VALIDATION', `Multipart requests go to ${graphqlPath} only`));
      if (Number(request.headers['content-length'] ?? 0) > MAX_MULTIPART_BYTES) return sendRefusal(reply, request, graphqlPath, tooLarge());
    });
    // Before mercurius-upload's own onSend, which waits for the request to end.
    app.addHook('onSend', async (request) => {
      if (!request.mercuriusUploadMultipart) return;
      for (const upload of uploadsIn(request.body)) upload.promise.then(drain, () => undefined);
    });
    await app.register(mercuriusUpload, { maxFiles: MAX_ENROLLMENT_PHOTOS, maxFileSize: MAX_PHOTO_BYTES, maxFieldSize: MAX_FIELD_BYTES });
  },
  { name: 'rollcall-photo-uploads' },
);
